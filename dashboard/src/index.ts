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
} from './store.js';
export type { AlertEntry, AlertView, Channel, ChannelInput, Silence, SilenceInput, AuditEntry, AlertCondition, AlertScope } from './alerting.js';
export { CONDITION_CODES } from './alerting.js';
export { DASHBOARD_READ_MODEL_VERSION, DASHBOARD_READ_VIEWS } from './alert-schema.js';
export { generatePassword } from './passwords.js';
export { csrfTokenFor, CSRF_HEADER } from './plugins/csrf.js';
export { mapConfig, type MapConfig } from './plugins/map-config.js';
