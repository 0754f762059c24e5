import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { grantRole, RoleGrant } from './role-grant';

export interface AppIdentityProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Host storage account: task hub, host locks and the deployment package. */
  readonly hostStorageAccountId: string;
  /** Data storage account: batch input, results, work blobs and the `blob-created` queue. */
  readonly dataStorageAccountId: string;
  readonly applicationInsightsId: string;
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/**
 * User-assigned identity of the Function App and its roles. It exists before the app, so the roles can be in place
 * before the app's first start or deployment.
 */
export class AppIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly roleAssignments: readonly RoleAssignment[];

  constructor(scope: Construct, id: string, props: AppIdentityProps) {
    super(scope, id);

    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    });

    this.roleAssignments = Object.entries(appRoleGrants(props, this.identity.principalId)).map(([grantId, grant]) =>
      grantRole(this, grantId, grant),
    );
  }
}

/**
 * Lists the roles the app needs, keyed by a stable construct id. The host account needs blob ownership for the deployment
 * package and host locks, and queues and tables for the Durable task hub. The data account needs blob read/write for
 * batches and queue access for the `blob-created` trigger and its poison queue. Entra-only telemetry ingestion needs
 * Monitoring Metrics Publisher.
 */
function appRoleGrants(props: AppIdentityProps, principalId: string): Record<string, RoleGrant> {
  const host = props.hostStorageAccountId;
  const data = props.dataStorageAccountId;

  return {
    'host-blob-owner': { scope: host, role: 'Storage Blob Data Owner', principalId },
    'host-queue-contributor': { scope: host, role: 'Storage Queue Data Contributor', principalId },
    'host-table-contributor': { scope: host, role: 'Storage Table Data Contributor', principalId },
    'data-blob-contributor': { scope: data, role: 'Storage Blob Data Contributor', principalId },
    'data-queue-contributor': { scope: data, role: 'Storage Queue Data Contributor', principalId },
    'telemetry-publisher': { scope: props.applicationInsightsId, role: 'Monitoring Metrics Publisher', principalId },
  };
}
