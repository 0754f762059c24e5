export { createDashboardHandler } from './dashboard-handler';
export type { DashboardOptions } from './dashboard-handler';
export { createHostDashboard } from './host-dashboard';
export type { HostDashboardOptions } from './host-dashboard';
export { TaskHubSource } from './task-hub-source';
export { batchFileNamer } from './batch-file-names';
export type { ActivityRecord, DashboardSource, OrchestrationRecord } from './records';
