export { buildDashboard, type DashboardOptions, type Dashboard } from './server.js';
export { DashboardStore, ROLES, type Role, type User, type RecorderView, type Problem } from './store.js';
export { generatePassword } from './passwords.js';
