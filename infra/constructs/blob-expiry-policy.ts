import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { Construct } from 'constructs';

export interface BlobExpiryPolicyProps {
  readonly storageAccountId: string;
  /** Rule name: letters, digits and hyphens, unique within the account's policy. */
  readonly ruleName: string;
  /** Blob name prefix that the rule matches, starting with the container name, such as `work/`. */
  readonly prefix: string;
  /** Days since a blob's last modification after which it is deleted. */
  readonly daysSinceModification: number;
}

/**
 * Lifecycle management policy of a storage account with one rule that deletes the block blobs under `prefix` once
 * they have not been modified for `daysSinceModification` days. Azure applies the policy in a background run, so a blob
 * can outlive that age somewhat. An account has at most one policy, so this construct must be the only one on its
 * account.
 *
 * With blob soft delete on, a deleted blob stays recoverable for the account's soft delete retention and is then
 * removed for good. The rule has no `version` action because `HardenedStorageAccount` leaves blob versioning off.
 * Turning versioning on would keep every overwritten or deleted blob as a previous version, so add
 * `version.deleteAfterDaysSinceCreation` to the rule at the same time.
 */
export class BlobExpiryPolicy extends Construct {
  readonly policy: StorageManagementPolicy;

  constructor(scope: Construct, id: string, props: BlobExpiryPolicyProps) {
    super(scope, id);

    this.policy = new StorageManagementPolicy(this, 'policy', {
      storageAccountId: props.storageAccountId,
      rule: [
        {
          name: props.ruleName,
          enabled: true,
          filters: { blobTypes: ['blockBlob'], prefixMatch: [props.prefix] },
          actions: {
            baseBlob: { deleteAfterDaysSinceModificationGreaterThan: props.daysSinceModification },
          },
        },
      ],
    });
  }
}
