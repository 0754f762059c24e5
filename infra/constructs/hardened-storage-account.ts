import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageQueue } from '@cdktf/provider-azurerm/lib/storage-queue';
import { Construct } from 'constructs';
import { StorageReplication } from '../config/environment-config';

export interface HardenedStorageAccountProps {
  /** Account name: 3 to 24 lowercase letters or digits, unique across Azure. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** @default 'LRS' */
  readonly replication?: StorageReplication;
  /** Private blob containers to create. @default none */
  readonly containers?: readonly string[];
  /** Queues to create. @default none */
  readonly queues?: readonly string[];
  /** Days that deleted blobs and containers stay recoverable. @default 7 */
  readonly softDeleteRetentionDays?: number;
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/**
 * StorageV2 account that accepts only Entra ID authentication over TLS 1.2 or later and never serves anonymous reads.
 * Containers and queues are created through the management plane (`storage_account_id`), so Terraform needs no
 * data-plane role and no account key.
 */
export class HardenedStorageAccount extends Construct {
  readonly account: StorageAccount;
  readonly containers: Readonly<Record<string, StorageContainer>>;
  readonly queues: Readonly<Record<string, StorageQueue>>;

  constructor(scope: Construct, id: string, props: HardenedStorageAccountProps) {
    super(scope, id);
    const retentionDays = props.softDeleteRetentionDays ?? 7;

    this.account = new StorageAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.replication ?? 'LRS',
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      localUserEnabled: false,
      sftpEnabled: false,
      blobProperties: {
        deleteRetentionPolicy: { days: retentionDays },
        containerDeleteRetentionPolicy: { days: retentionDays },
      },
      tags: props.tags,
    });

    this.containers = Object.fromEntries(
      (props.containers ?? []).map((name) => [
        name,
        new StorageContainer(this, `container-${name}`, {
          name,
          storageAccountId: this.account.id,
          containerAccessType: 'private',
        }),
      ]),
    );

    this.queues = Object.fromEntries(
      (props.queues ?? []).map((name) => [
        name,
        new StorageQueue(this, `queue-${name}`, { name, storageAccountId: this.account.id }),
      ]),
    );
  }
}
