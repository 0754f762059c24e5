import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { AzurermBackend, AzurermBackendConfig, LocalBackend, TerraformStack } from 'cdktf';
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
import { FlexFunctionApp } from './constructs/flex-function-app';
import { HardenedStorageAccount } from './constructs/hardened-storage-account';
import { ManifestEvents } from './constructs/manifest-events';
import { Monitoring } from './constructs/monitoring';
import { PipelineWorkbook } from './constructs/pipeline-workbook';
import { resourceNames } from './naming';
import { addStackOutputs } from './stack-outputs';

/** Terraform versions the synthesized JSON is written for; OpenTofu checks the same constraint against its own. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';

export interface FanOutStackProps {
  readonly environment: EnvironmentConfig;
  /** Remote state in Azure Storage. @default local state in `terraform.tfstate.d/<stack>.tfstate` at the project root */
  readonly stateBackend?: StateBackendSettings;
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
    const placement = { resourceGroupName: group.name, location: group.location, tags };

    const monitoring = new Monitoring(this, 'monitoring', {
      ...placement,
      workspaceName: names.logAnalyticsWorkspace,
      applicationInsightsName: names.applicationInsights,
      retentionDays: config.logRetentionDays,
    });

    const hostStorage = new HardenedStorageAccount(this, 'host-storage', {
      ...placement,
      name: names.hostStorageAccount,
      replication: config.storageReplication,
      containers: [DEPLOYMENT_CONTAINER],
    });

    const dataStorage = new HardenedStorageAccount(this, 'data-storage', {
      ...placement,
      name: names.dataStorageAccount,
      replication: config.storageReplication,
      containers: [INPUT_CONTAINER, RESULTS_CONTAINER, WORK_CONTAINER, DEAD_LETTER_CONTAINER],
      queues: [BLOB_CREATED_QUEUE],
    });

    const identity = new AppIdentity(this, 'app-identity', {
      ...placement,
      name: names.identity,
      hostStorageAccountId: hostStorage.account.id,
      dataStorageAccountId: dataStorage.account.id,
      applicationInsightsId: monitoring.applicationInsights.id,
    });

    const functionApp = new FlexFunctionApp(this, 'function-app', {
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
 * Sets up the azurerm provider and the state backend. Both authenticate with Entra ID only (OIDC in CI), matching
 * storage accounts whose shared keys are off.
 */
function configureTerraform(stack: TerraformStack, stackName: string, backend: StateBackendSettings | undefined): void {
  new AzurermProvider(stack, 'azurerm', {
    useOidc: true,
    storageUseAzuread: true,
    // Containers and queues go through the management plane, so the provider never needs a data-plane role.
    features: [{ storage: [{ dataPlaneAvailable: false }] }],
  });

  // The short source "azurerm" that cdktf writes is ambiguous for OpenTofu, whose default registry differs.
  stack.addOverride('terraform.required_providers.azurerm.source', 'hashicorp/azurerm');
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);

  if (backend === undefined) {
    // Relative to the stack folder under cdktf.out, so the synthesized JSON does not depend on the machine, and
    // outside cdktf.out, so a new synth never touches the state.
    new LocalBackend(stack, { path: `../../../terraform.tfstate.d/${stackName}.tfstate` });
    return;
  }
  // A name left undefined drops out of the JSON, which makes it a partial configuration completed at init.
  const config: Partial<AzurermBackendConfig> = {
    resourceGroupName: backend.resourceGroupName,
    storageAccountName: backend.storageAccountName,
    containerName: backend.containerName,
    key: backend.keyTemplate.replaceAll('{stack}', stackName),
    useOidc: true,
    useAzureadAuth: true,
  };
  new AzurermBackend(stack, config as AzurermBackendConfig);
}
