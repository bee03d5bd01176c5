export { READ_MODEL_VERSION, READ_MODEL_VIEWS, publishReadModel, publishViews } from './views.js';
export { attachReadModel, openReadModel, ReadModelUnavailable, READ_MODEL_SCHEMA } from './attach.js';
