import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { BLOB_CREATED_QUEUE, TASK_HUB_SETTING } from './app-contract';
import { EnvironmentConfig } from './config/environment-config';
import { AppIdentity } from './constructs/app-identity';
import { FlexFunctionApp } from './constructs/flex-function-app';
import { HardenedStorageAccount } from './constructs/hardened-storage-account';
import { Monitoring } from './constructs/monitoring';
import { PipelineWorkbook } from './constructs/pipeline-workbook';

export interface StackOutputSources {
  readonly group: ResourceGroup;
  readonly monitoring: Monitoring;
  readonly hostStorage: HardenedStorageAccount;
  readonly dataStorage: HardenedStorageAccount;
  readonly identity: AppIdentity;
  readonly functionApp: FlexFunctionApp;
  readonly workbook: PipelineWorkbook;
  readonly config: EnvironmentConfig;
}

/**
 * Declares the stack outputs that deployment scripts read (`cdktf deploy --outputs-file` or `terraform output`).
 * None of them is a secret: storage is reached with Entra ID, never with keys.
 */
export function addStackOutputs(stack: TerraformStack, sources: StackOutputSources): void {
  const { hostStorage, dataStorage } = sources;
  const containerNames = (storage: HardenedStorageAccount) =>
    Object.fromEntries(Object.entries(storage.containers).map(([name, container]) => [name, container.name]));

  const outputs: Record<string, { value: unknown; description: string }> = {
    resource_group_name: { value: sources.group.name, description: 'Resource group of the environment' },
    function_app_name: { value: sources.functionApp.app.name, description: 'Function App name, for code deployment' },
    function_app_hostname: {
      value: sources.functionApp.app.defaultHostname,
      description: 'Function App host name as Azure assigned it, which may differ from <name>.azurewebsites.net',
    },
    identity_client_id: { value: sources.identity.identity.clientId, description: 'Client id of the app identity' },
    host_storage_account_name: { value: hostStorage.account.name, description: 'Account of the task hub and package' },
    host_storage_containers: { value: containerNames(hostStorage), description: 'Containers on the host account' },
    data_storage_account_name: { value: dataStorage.account.name, description: 'Account of batch input and results' },
    data_storage_containers: { value: containerNames(dataStorage), description: 'Containers on the data account' },
    blob_created_queue_name: {
      value: dataStorage.queues[BLOB_CREATED_QUEUE].name,
      description: 'Queue on the data account that receives manifest events',
    },
    task_hub_name: { value: sources.config.taskHubName, description: `Value of the ${TASK_HUB_SETTING} app setting` },
    application_insights_name: {
      value: sources.monitoring.applicationInsights.name,
      description: 'Application Insights resource',
    },
    workbook_id: { value: sources.workbook.workbook.id, description: 'Resource id of the pipeline workbook' },
  };

  for (const [name, output] of Object.entries(outputs)) {
    new TerraformOutput(stack, name, output);
  }
}
