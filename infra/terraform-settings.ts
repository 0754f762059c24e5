import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { AzurermBackend, AzurermBackendConfig, LocalBackend, TerraformStack } from 'cdktf';
import { StateBackendSettings } from './config/state-backend';

/** Terraform versions the synthesized JSON is written for. OpenTofu checks the constraint against its own version. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10.0';

/**
 * Sets up the azurerm provider and the state backend. Both authenticate with Entra ID only (OIDC in CI), matching
 * storage accounts whose shared keys are off.
 */
export function configureTerraform(
  stack: TerraformStack,
  stackName: string,
  backend: StateBackendSettings | undefined,
): void {
  new AzurermProvider(stack, 'azurerm', {
    useOidc: true,
    storageUseAzuread: true,
    // The provider skips its data-plane reads of storage accounts (queue properties, static website), so the deploying
    // principal needs no data-plane role. Containers and queues use the management plane anyway.
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
