import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  BLOB_CREATED_QUEUE,
  DEAD_LETTER_CONTAINER,
  DEPLOYMENT_CONTAINER,
  INPUT_CONTAINER,
  RESULTS_CONTAINER,
  WORK_CONTAINER,
} from './app-contract';
import { EnvironmentConfig } from './config/environment-config';
import { StateBackendSettings } from './config/state-backend';
import { assertValidEnvironments } from './config/validation';
import { AppIdentity } from './constructs/app-identity';
import { buildAppSettings } from './constructs/app-settings';
import { BlobExpiryPolicy } from './constructs/blob-expiry-policy';
import { FlexFunctionApp } from './constructs/flex-function-app';
import { HardenedStorageAccount } from './constructs/hardened-storage-account';
import { ManifestEvents } from './constructs/manifest-events';
import { Monitoring } from './constructs/monitoring';
import { PipelineWorkbook } from './constructs/pipeline-workbook';
import { ResourceNames, resourceNames } from './naming';
import { addStackOutputs } from './stack-outputs';
import { configureTerraform } from './terraform-settings';

/** Start of the ids of the batches that the deploy smoke test, `scripts/smoke/smoke.sh`, uploads. */
export const SMOKE_BATCH_PREFIX = 'smoke-';

export interface FanOutStackProps {
  readonly environment: EnvironmentConfig;
  /** Remote state in Azure Storage. @default local state in `terraform.tfstate.d/<stack>.tfstate` at the project root */
  readonly stateBackend?: StateBackendSettings;
}

/** Resource group, region and tags that every resource of a stack shares. */
interface Placement {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tags: Record<string, string>;
}

/** Everything one environment of the pipeline needs in Azure, in one resource group. */
export class FanOutStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: FanOutStackProps) {
    super(scope, id);
    assertValidEnvironments([props.environment]);
    const config = props.environment;
    const names = resourceNames(config);
    const tags = { environment: config.name, project: 'fan-out-fan-in' };

    configureTerraform(this, id, props.stateBackend);

    const group = new ResourceGroup(this, 'resource-group', {
      name: names.resourceGroup,
      location: config.location,
      tags,
    });
    const placement: Placement = { resourceGroupName: group.name, location: group.location, tags };

    const monitoring = new Monitoring(this, 'monitoring', {
      ...placement,
      workspaceName: names.logAnalyticsWorkspace,
      applicationInsightsName: names.applicationInsights,
      retentionDays: config.logRetentionDays,
    });
    const { hostStorage, dataStorage } = declareStorage(this, placement, names, config);
    const identity = new AppIdentity(this, 'app-identity', {
      ...placement,
      name: names.identity,
      hostStorageAccountId: hostStorage.account.id,
      dataStorageAccountId: dataStorage.account.id,
      applicationInsightsId: monitoring.applicationInsights.id,
    });
    const functionApp = declareFunctionApp(this, placement, names, config, {
      monitoring,
      hostStorage,
      dataStorage,
      identity,
    });

    new ManifestEvents(this, 'manifest-events', {
      ...placement,
      topicName: names.systemTopic,
      subscriptionName: names.manifestSubscription,
      dataStorageAccountId: dataStorage.account.id,
      queue: dataStorage.queues[BLOB_CREATED_QUEUE],
      deadLetterContainer: dataStorage.containers[DEAD_LETTER_CONTAINER],
    });
    const workbook = new PipelineWorkbook(this, 'pipeline-workbook', {
      ...placement,
      name: names.workbook,
      displayName: `Fan-out/fan-in pipeline (${config.name})`,
      applicationInsights: monitoring.applicationInsights,
    });

    addStackOutputs(this, { group, monitoring, hostStorage, dataStorage, identity, functionApp, workbook, config });
  }
}

/**
 * Declares the host account (task hub, deployment package) and the data account (batches, events). The data account
 * deletes work blobs, smoke test batches and undelivered events after `workRetentionDays`, and no other batch's
 * `input/` or `results/`.
 */
function declareStorage(stack: TerraformStack, placement: Placement, names: ResourceNames, config: EnvironmentConfig) {
  const hostStorage = new HardenedStorageAccount(stack, 'host-storage', {
    ...placement,
    name: names.hostStorageAccount,
    replication: config.storageReplication,
    containers: [DEPLOYMENT_CONTAINER],
  });

  const dataStorage = new HardenedStorageAccount(stack, 'data-storage', {
    ...placement,
    name: names.dataStorageAccount,
    replication: config.storageReplication,
    containers: [INPUT_CONTAINER, RESULTS_CONTAINER, WORK_CONTAINER, DEAD_LETTER_CONTAINER],
    queues: [BLOB_CREATED_QUEUE],
  });

  // The id predates the smoke and dead-letter rules. It stays, so that Terraform updates the account's only policy
  // in place instead of creating a new one next to the old.
  new BlobExpiryPolicy(stack, 'work-expiry', {
    storageAccountId: dataStorage.account.id,
    rules: [
      {
        name: 'delete-old-work-blobs',
        prefixes: [`${WORK_CONTAINER}/`],
        daysSinceModification: config.workRetentionDays,
      },
      {
        name: 'delete-old-smoke-batches',
        prefixes: [`${INPUT_CONTAINER}/${SMOKE_BATCH_PREFIX}`, `${RESULTS_CONTAINER}/${SMOKE_BATCH_PREFIX}`],
        daysSinceModification: config.workRetentionDays,
      },
      {
        // NOTE: the blob type of Event Grid's dead-letter blobs is not verified against a deployment, so the rule
        // matches append blobs as well as block blobs.
        name: 'delete-old-dead-letters',
        prefixes: [`${DEAD_LETTER_CONTAINER}/`],
        daysSinceModification: config.workRetentionDays,
        blobTypes: ['blockBlob', 'appendBlob'],
      },
    ],
  });

  return { hostStorage, dataStorage };
}

/** Resources the function app connects to. */
interface AppDependencies {
  readonly monitoring: Monitoring;
  readonly hostStorage: HardenedStorageAccount;
  readonly dataStorage: HardenedStorageAccount;
  readonly identity: AppIdentity;
}

/** Declares the Flex Consumption app, which starts only after its identity has every role it needs. */
function declareFunctionApp(
  stack: TerraformStack,
  placement: Placement,
  names: ResourceNames,
  config: EnvironmentConfig,
  { monitoring, hostStorage, dataStorage, identity }: AppDependencies,
): FlexFunctionApp {
  return new FlexFunctionApp(stack, 'function-app', {
    ...placement,
    name: names.functionApp,
    servicePlanName: names.servicePlan,
    instanceMemoryMb: config.instanceMemoryMb,
    maximumInstanceCount: config.maximumInstanceCount,
    alwaysReadyInstances: config.alwaysReadyInstances,
    deploymentContainerUrl: `${hostStorage.account.primaryBlobEndpoint}${DEPLOYMENT_CONTAINER}`,
    identity: identity.identity,
    applicationInsightsConnectionString: monitoring.applicationInsights.connectionString,
    appSettings: buildAppSettings({
      hostStorageAccountName: hostStorage.account.name,
      dataStorageAccountName: dataStorage.account.name,
      identityClientId: identity.identity.clientId,
      taskHubName: config.taskHubName,
    }),
    dependsOn: [...identity.roleAssignments, hostStorage.containers[DEPLOYMENT_CONTAINER]],
  });
}
