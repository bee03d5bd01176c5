export { READ_MODEL_VERSION, READ_MODEL_VIEWS, publishReadModel } from './views.js';
export { attachReadModel, openReadModel, ReadModelUnavailable, READ_MODEL_SCHEMA } from './attach.js';
