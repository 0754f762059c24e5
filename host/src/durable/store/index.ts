export * from './rows';
export * from './task-hub-store';
export * from './queries';
