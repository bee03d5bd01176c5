export { buildDashboard, type DashboardOptions, type Dashboard, type RouteInfo } from './server.js';
export {
  DashboardStore,
  ROLES,
  type Role,
  type User,
  type RecorderView,
  type RecorderDetail,
  type Problem,
  type Rule,
  type RuleInput,
  type Alert,
} from './store.js';
export { generatePassword } from './passwords.js';
export { csrfTokenFor, CSRF_HEADER } from './plugins/csrf.js';
export { mapConfig, type MapConfig } from './plugins/map-config.js';
