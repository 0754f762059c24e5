import { ConfigurationError } from '../errors';

/** Environment-like settings source: the Functions host exposes app settings as environment variables. */
export type SettingsSource = Record<string, string | undefined>;

export interface ConnectionStringConnection {
  kind: 'connectionString';
  connectionString: string;
}

export interface IdentityConnection {
  kind: 'identity';
  blobServiceUri: string;
  queueServiceUri: string;
  /** `managedidentity` selects ManagedIdentityCredential; anything else uses DefaultAzureCredential. */
  credential?: string;
  /** Client id of a user-assigned managed identity. */
  clientId?: string;
}

export type StorageConnection = ConnectionStringConnection | IdentityConnection;

/**
 * Resolves a Functions connection name the way the Functions host does: `<name>` (or `AzureWebJobs<name>`) holds a
 * connection string, otherwise `<name>__accountName` or `<name>__blobServiceUri` + `<name>__queueServiceUri` describe
 * an identity-based connection to Azure Storage in the public cloud or at explicit endpoints.
 */
export function resolveConnection(name: string, settings: SettingsSource = process.env): StorageConnection {
  const connectionString = nonEmpty(settings[name]) ?? nonEmpty(settings[`AzureWebJobs${name}`]);
  if (connectionString) return { kind: 'connectionString', connectionString };

  const setting = (suffix: string) => nonEmpty(settings[`${name}__${suffix}`]);
  const accountName = setting('accountName');
  const blobServiceUri = setting('blobServiceUri') ?? setting('serviceUri') ?? publicEndpoint(accountName, 'blob');
  const queueServiceUri = setting('queueServiceUri') ?? publicEndpoint(accountName, 'queue');

  if (!blobServiceUri || !queueServiceUri) {
    const missing = blobServiceUri ? `${name}__queueServiceUri` : `${name}__blobServiceUri`;
    throw new ConfigurationError(
      `storage connection "${name}" is not configured: set "${name}" to a connection string, ` +
        `or "${name}__accountName", or both "${name}__blobServiceUri" and "${name}__queueServiceUri" ` +
        `(missing: ${accountName || blobServiceUri || queueServiceUri ? missing : `${name}, ${name}__accountName`})`,
    );
  }
  return {
    kind: 'identity',
    blobServiceUri: checkUrl(name, 'blobServiceUri', blobServiceUri),
    queueServiceUri: checkUrl(name, 'queueServiceUri', queueServiceUri),
    credential: setting('credential'),
    clientId: setting('clientId'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function publicEndpoint(accountName: string | undefined, service: 'blob' | 'queue'): string | undefined {
  return accountName ? `https://${accountName}.${service}.core.windows.net` : undefined;
}

function checkUrl(name: string, suffix: string, value: string): string {
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new ConfigurationError(`"${name}__${suffix}" is not an absolute URL: "${value}"`);
  }
}
