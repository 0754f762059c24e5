import { ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';

/** Invalid `APPLICATIONINSIGHTS_AUTHENTICATION_STRING`. */
export class TelemetrySettingsError extends Error {
  override name = 'TelemetrySettingsError';
}

/**
 * Parses `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`Authorization=AAD;ClientId=<id>`, keys in any order and case)
 * into the client id of the user-assigned identity, or undefined for the system-assigned identity.
 */
export function parseAuthenticationString(value: string): { clientId?: string } {
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (part.trim() === '') continue;
    if (separator < 0) {
      throw new TelemetrySettingsError(
        `Invalid APPLICATIONINSIGHTS_AUTHENTICATION_STRING part "${part}": use Authorization=AAD;ClientId=<client id>`,
      );
    }
    pairs.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }

  const authorization = pairs.get('authorization');
  if (authorization?.toUpperCase() !== 'AAD') {
    throw new TelemetrySettingsError(
      `APPLICATIONINSIGHTS_AUTHENTICATION_STRING has Authorization=${authorization ?? '(missing)'}: set Authorization=AAD`,
    );
  }
  const clientId = pairs.get('clientid');
  return clientId ? { clientId } : {};
}

/**
 * Builds the Azure Monitor options from the app settings, or returns undefined when
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` is unset. With `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` set, the
 * exporter authenticates with the managed identity, which ingestion into a resource with local auth off requires.
 */
export function azureMonitorOptions(env: NodeJS.ProcessEnv): AzureMonitorOpenTelemetryOptions | undefined {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return undefined;

  const authentication = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING?.trim();
  let credential: TokenCredential | undefined;
  if (authentication) {
    const { clientId } = parseAuthenticationString(authentication);
    credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  }
  return { azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) } };
}

let started = false;

/**
 * Starts the Azure Monitor OpenTelemetry distro once per process when a connection string is set, and returns whether
 * it runs. Without one nothing is loaded, so the app records into the OpenTelemetry API's no-op provider.
 *
 * NOTE: the distro exports the app's metrics and spans. `context.log` lines still reach Application Insights through
 * the Functions host, so their fields stay inside the message text rather than in `customDimensions`.
 */
export function startTelemetry(env: NodeJS.ProcessEnv): boolean {
  if (started) return true;
  const options = azureMonitorOptions(env);
  if (!options) return false;

  // The distro loads the whole OpenTelemetry SDK, so it is required only when it is used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  useAzureMonitor(options);
  started = true;
  return true;
}
