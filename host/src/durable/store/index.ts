export * from './rows';
export * from './task-hub-store';
export * from './queries';
export * from './entity-store';
export * from './work-items';
