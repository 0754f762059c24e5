import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { Construct } from 'constructs';

/** A lifecycle rule: the blobs it matches and the age at which it deletes them. */
export interface BlobExpiryRule {
  /** Rule name: letters, digits and hyphens, unique within the account's policy. */
  readonly name: string;
  /** Blob name prefixes that the rule matches, each starting with the container name, such as `work/`. */
  readonly prefixes: readonly string[];
  /** Days since a blob's last modification after which it is deleted. */
  readonly daysSinceModification: number;
  /** Blob types that the rule deletes. @default block blobs only */
  readonly blobTypes?: readonly ('blockBlob' | 'appendBlob')[];
}

export interface BlobExpiryPolicyProps {
  readonly storageAccountId: string;
  readonly rules: readonly BlobExpiryRule[];
}

/**
 * Lifecycle management policy of a storage account whose rules each delete the blobs under their prefixes once they
 * have not been modified for `daysSinceModification` days. Azure applies the policy in a background run, so a blob
 * can outlive that age somewhat. An account has at most one policy, so this construct must be the only one on its
 * account and must list every rule.
 *
 * With blob soft delete on, a deleted blob stays recoverable for the account's soft delete retention and is then
 * removed for good. The rules have no `version` action because `HardenedStorageAccount` leaves blob versioning off.
 * Turning versioning on would keep every overwritten or deleted blob as a previous version, so add
 * `version.deleteAfterDaysSinceCreation` to the rules at the same time.
 */
export class BlobExpiryPolicy extends Construct {
  readonly policy: StorageManagementPolicy;

  constructor(scope: Construct, id: string, props: BlobExpiryPolicyProps) {
    super(scope, id);

    this.policy = new StorageManagementPolicy(this, 'policy', {
      storageAccountId: props.storageAccountId,
      rule: props.rules.map((rule) => ({
        name: rule.name,
        enabled: true,
        filters: { blobTypes: [...(rule.blobTypes ?? ['blockBlob'])], prefixMatch: [...rule.prefixes] },
        actions: {
          baseBlob: { deleteAfterDaysSinceModificationGreaterThan: rule.daysSinceModification },
        },
      })),
    });
  }
}
