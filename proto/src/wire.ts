import './numbers.js';
export { vigil } from './gen/vigil.js';
