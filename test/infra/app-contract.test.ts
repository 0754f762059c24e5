import * as infraContract from '../../infra/app-contract';
import { ENVIRONMENTS } from '../../infra/environments';
import * as settings from '../../functions/src/settings';
import {
  Attributes,
  literalName,
  onlyResource,
  resolveReference,
  resourcesOfType,
  synthesizeEnvironment,
} from './support/synthesized-stack';

const stacks = ENVIRONMENTS.map((environment) => ({ environment, ...synthesizeEnvironment(environment) }));

function appSettingsOf(json: (typeof stacks)[number]['json']): Record<string, string> {
  return onlyResource(json, 'azurerm_function_app_flex_consumption').app_settings as Record<string, string>;
}

describe('names shared with the functions', () => {
  it.each([
    'DATA_CONNECTION',
    'HOST_CONNECTION',
    'TASK_HUB_SETTING',
    'BLOB_CREATED_QUEUE',
    'INPUT_CONTAINER',
    'RESULTS_CONTAINER',
    'WORK_CONTAINER',
    'MANIFEST_BLOB_NAME',
  ] as const)('%s equals the value the functions read', (name) => {
    expect(infraContract[name]).toBe(settings[name]);
  });
});

describe.each(stacks.map((stack) => [stack.environment.name, stack] as const))('wiring of %s', (_name, stack) => {
  const { json } = stack;
  const dataAccount = onlyResource(json, 'azurerm_storage_account', (account) => String(account.name).endsWith('data'));
  const hostAccount = onlyResource(json, 'azurerm_storage_account', (account) => String(account.name).endsWith('host'));
  const subscription = onlyResource(json, 'azurerm_eventgrid_system_topic_event_subscription');
  const endpoint = subscription.storage_queue_endpoint as Attributes;
  const appSettings = appSettingsOf(json);

  it('event subscription delivers to the queue the starter listens on', () => {
    expect(literalName(json, endpoint.queue_name)).toBe(settings.BLOB_CREATED_QUEUE);
    expect(resolveReference(json, endpoint.storage_account_id).resource).toBe(dataAccount);
  });

  it('blob-created queue lives on the data account', () => {
    const queues = resourcesOfType(json, 'azurerm_storage_queue').map(
      (queue) => `${resolveReference(json, queue.storage_account_id).resource.name}/${queue.name}`,
    );
    expect(queues).toEqual([`${dataAccount.name}/${settings.BLOB_CREATED_QUEUE}`]);
  });

  it('data account has the input, results and work containers', () => {
    const containers = containersOf(json, dataAccount);
    expect(containers).toEqual(
      expect.arrayContaining([settings.INPUT_CONTAINER, settings.RESULTS_CONTAINER, settings.WORK_CONTAINER]),
    );
  });

  it('host account has the deployment package container', () => {
    expect(containersOf(json, hostAccount)).toEqual([infraContract.DEPLOYMENT_CONTAINER]);
  });

  it('data connection settings use the name the functions read', () => {
    expect(literalName(json, appSettings[`${settings.DATA_CONNECTION}__accountName`])).toBe(dataAccount.name);
    expect(appSettings[`${settings.DATA_CONNECTION}__credential`]).toBe('managedidentity');
  });

  it('host connection settings use the name the functions read', () => {
    expect(literalName(json, appSettings[`${settings.HOST_CONNECTION}__accountName`])).toBe(hostAccount.name);
    expect(appSettings[`${settings.HOST_CONNECTION}__credential`]).toBe('managedidentity');
  });

  it('task hub name is the one configured for the environment', () => {
    expect(appSettings[settings.TASK_HUB_SETTING]).toBe(stack.environment.taskHubName);
  });

  it('event subscription takes only manifest blobs in the input container', () => {
    expect(subscription.included_event_types).toEqual(['Microsoft.Storage.BlobCreated']);
    expect(subscription.subject_filter).toEqual({
      subject_begins_with: `/blobServices/default/containers/${settings.INPUT_CONTAINER}/blobs/`,
      subject_ends_with: `/${settings.MANIFEST_BLOB_NAME}`,
      case_sensitive: true,
    });
  });

  it('event subscription delivers with the topic identity in the Event Grid schema', () => {
    expect(subscription.delivery_identity).toEqual({ type: 'SystemAssigned' });
    expect(subscription.event_delivery_schema).toBe('EventGridSchema');
    expect(onlyResource(json, 'azurerm_eventgrid_system_topic').identity).toEqual({ type: 'SystemAssigned' });
  });

  it('event subscription retries, then dead-letters to the data account', () => {
    const retry = subscription.retry_policy as Attributes;
    const deadLetter = subscription.storage_blob_dead_letter_destination as Attributes;

    expect(retry.max_delivery_attempts).toBeGreaterThan(1);
    expect(retry.event_time_to_live).toBeGreaterThan(0);
    expect(literalName(json, deadLetter.storage_blob_container_name)).toBe(infraContract.DEAD_LETTER_CONTAINER);
    expect(resolveReference(json, deadLetter.storage_account_id).resource).toBe(dataAccount);
    expect(subscription.dead_letter_identity).toEqual({ type: 'SystemAssigned' });
  });

  it('system topic publishes the events of the data account', () => {
    const topic = onlyResource(json, 'azurerm_eventgrid_system_topic');
    expect(topic.topic_type).toBe('Microsoft.Storage.StorageAccounts');
    expect(resolveReference(json, topic.source_resource_id).resource).toBe(dataAccount);
  });
});

describe('task hubs', () => {
  it('differ between environments', () => {
    const hubs = stacks.map((stack) => appSettingsOf(stack.json)[settings.TASK_HUB_SETTING].toLowerCase());
    expect(new Set(hubs).size).toBe(stacks.length);
  });
});

function containersOf(json: (typeof stacks)[number]['json'], account: Attributes): string[] {
  return resourcesOfType(json, 'azurerm_storage_container')
    .filter((container) => resolveReference(json, container.storage_account_id).resource === account)
    .map((container) => String(container.name));
}
