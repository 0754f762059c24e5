import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';

/** Built-in Azure roles this stack assigns, by their role definition names. */
export type BuiltInRole =
  | 'Storage Blob Data Owner'
  | 'Storage Blob Data Contributor'
  | 'Storage Queue Data Contributor'
  | 'Storage Queue Data Message Sender'
  | 'Storage Table Data Contributor'
  | 'Monitoring Metrics Publisher';

/** One role for one managed identity on one resource. */
export interface RoleGrant {
  /** Resource id the role applies to. */
  readonly scope: string;
  readonly role: BuiltInRole;
  /** Object id of a managed identity's service principal. */
  readonly principalId: string;
}

/**
 * Assigns a built-in role to a managed identity. The principal type is always given, because without it Azure looks
 * the principal up in Entra ID, and a just-created identity may not have replicated there yet.
 */
export function grantRole(scope: Construct, id: string, grant: RoleGrant): RoleAssignment {
  return new RoleAssignment(scope, id, {
    scope: grant.scope,
    roleDefinitionName: grant.role,
    principalId: grant.principalId,
    principalType: 'ServicePrincipal',
  });
}
