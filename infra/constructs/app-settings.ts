import { DATA_CONNECTION, HOST_CONNECTION, TASK_HUB_SETTING } from '../app-contract';

export interface AppSettingsInput {
  readonly hostStorageAccountName: string;
  readonly dataStorageAccountName: string;
  /** Client id of the user-assigned identity that every connection authenticates with. */
  readonly identityClientId: string;
  readonly taskHubName: string;
}

/** Settings of one identity-based storage connection that authenticates with a user-assigned identity. */
function identityConnection(connection: string, accountName: string, clientId: string): Record<string, string> {
  return {
    [`${connection}__accountName`]: accountName,
    [`${connection}__credential`]: 'managedidentity',
    [`${connection}__clientId`]: clientId,
  };
}

/**
 * Builds the Function App settings: identity-based connections only, so no setting contains a key or a secret.
 * Settings that Flex Consumption owns (runtime, version, content share) must not appear here.
 */
export function buildAppSettings(input: AppSettingsInput): Record<string, string> {
  return {
    // NOTE: azurerm 4.55 always injects an `AzureWebJobsStorage` connection string with an empty AccountKey, even with
    // identity storage authentication, and the host prefers that string over the `__accountName` settings below. An
    // empty value overrides the injected one, so the host falls back to the identity. The cost is a perpetual
    // in-place diff on app_settings, because the provider never stores this key in state.
    [HOST_CONNECTION]: '',
    ...identityConnection(HOST_CONNECTION, input.hostStorageAccountName, input.identityClientId),
    ...identityConnection(DATA_CONNECTION, input.dataStorageAccountName, input.identityClientId),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${input.identityClientId};Authorization=AAD`,
    [TASK_HUB_SETTING]: input.taskHubName,
  };
}
