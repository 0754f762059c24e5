/** Path of the Durable HTTP API under the host origin. */
export const webhookPath = '/runtime/webhooks/durabletask';

/** Connection name the extension puts in management links for the default storage provider. */
const connectionName = 'Storage';

/** Management links of one instance (the check-status payload), with `{eventName}` and `{text}` templates. */
export function managementUrls(origin: string, hubName: string, instanceId: string): Record<string, string> {
  const base = `${origin}${webhookPath}/instances/${instanceId}`;
  const query = `taskHub=${encodeURIComponent(hubName)}&connection=${connectionName}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${query}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${base}/terminate?reason={text}&${query}`,
    rewindPostUri: `${base}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${base}?${query}`,
    restartPostUri: `${base}/restart?${query}`,
    suspendPostUri: `${base}/suspend?reason={text}&${query}`,
    resumePostUri: `${base}/resume?reason={text}&${query}`,
  };
}

/**
 * Builds the JSON a `durableClient` input binding receives. Links use the public origin, and `rpcBaseUrl`
 * is the webhook root on the local origin, which the durable-functions client calls for every operation.
 */
export function clientBindingData(
  origin: string,
  localOrigin: string,
  hubName: string,
  rpcEnabled: boolean,
): Record<string, unknown> {
  const root = `${origin}${webhookPath}`;
  const creation = `${root}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${creation}?`,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&`,
    },
    managementUrls: managementUrls(origin, hubName, 'INSTANCEID'),
    baseUrl: root,
    requiredQueryStringParameters: '',
    ...(rpcEnabled ? { rpcBaseUrl: `${localOrigin}${webhookPath}/` } : {}),
  };
}
