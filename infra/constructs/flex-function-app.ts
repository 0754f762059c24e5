import { FunctionAppFlexConsumption } from '@cdktf/provider-azurerm/lib/function-app-flex-consumption';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { InstanceMemoryMb } from '../config/environment-config';

/** Node.js major version of the Azure runtime. Node 20 reached end of support on 2026-04-30. */
export const NODE_RUNTIME_VERSION = '22';

export interface FlexFunctionAppProps {
  readonly name: string;
  readonly servicePlanName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly instanceMemoryMb: InstanceMemoryMb;
  readonly maximumInstanceCount: number;
  /** Warm instances of the `durable` scale group. Zero adds no always-ready block. */
  readonly alwaysReadyInstances: number;
  /** `https://<account>.blob.core.windows.net/<container>` holding the deployment package. */
  readonly deploymentContainerUrl: string;
  /** Identity for the deployment container, the storage connections and telemetry. */
  readonly identity: UserAssignedIdentity;
  readonly appSettings: Record<string, string>;
  readonly applicationInsightsConnectionString: string;
  /** Resources that must exist before the app starts, such as its role assignments. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/**
 * Flex Consumption (FC1, Linux) plan and Function App running Node.js. The app reads its package with the
 * user-assigned identity, accepts HTTPS only and has basic publishing credentials turned off, so deployments
 * authenticate with Entra ID.
 */
export class FlexFunctionApp extends Construct {
  readonly plan: ServicePlan;
  readonly app: FunctionAppFlexConsumption;

  constructor(scope: Construct, id: string, props: FlexFunctionAppProps) {
    super(scope, id);

    this.plan = new ServicePlan(this, 'plan', {
      name: props.servicePlanName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      osType: 'Linux',
      skuName: 'FC1',
      tags: props.tags,
    });

    this.app = new FunctionAppFlexConsumption(this, 'app', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      servicePlanId: this.plan.id,
      runtimeName: 'node',
      runtimeVersion: NODE_RUNTIME_VERSION,
      instanceMemoryInMb: props.instanceMemoryMb,
      maximumInstanceCount: props.maximumInstanceCount,
      // The API lower-cases scale group names, so a lower-case name avoids a perpetual diff.
      alwaysReady:
        props.alwaysReadyInstances > 0 ? [{ name: 'durable', instanceCount: props.alwaysReadyInstances }] : undefined,
      storageContainerType: 'blobContainer',
      storageContainerEndpoint: props.deploymentContainerUrl,
      storageAuthenticationType: 'UserAssignedIdentity',
      storageUserAssignedIdentityId: props.identity.id,
      identity: { type: 'UserAssigned', identityIds: [props.identity.id] },
      httpsOnly: true,
      publicNetworkAccessEnabled: true,
      webdeployPublishBasicAuthenticationEnabled: false,
      siteConfig: {
        minimumTlsVersion: '1.2',
        scmMinimumTlsVersion: '1.2',
        http2Enabled: true,
        remoteDebuggingEnabled: false,
        applicationInsightsConnectionString: props.applicationInsightsConnectionString,
      },
      appSettings: props.appSettings,
      dependsOn: props.dependsOn,
      tags: props.tags,
    });
  }
}
