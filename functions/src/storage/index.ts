export { createCredential, getBlobServiceClient, getQueueServiceClient } from './clients';
export { resolveConnection } from './connection';
export type { IdentityConnection, SettingsSource, StorageConnection } from './connection';
