import { EventgridSystemTopic } from '@cdktf/provider-azurerm/lib/eventgrid-system-topic';
import { EventgridSystemTopicEventSubscription } from '@cdktf/provider-azurerm/lib/eventgrid-system-topic-event-subscription';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageQueue } from '@cdktf/provider-azurerm/lib/storage-queue';
import { Construct } from 'constructs';
import { INPUT_CONTAINER, MANIFEST_BLOB_NAME } from '../app-contract';
import { grantRole } from './role-grant';

/** Event Grid subject prefix of every blob in the input container. */
export const MANIFEST_SUBJECT_PREFIX = `/blobServices/default/containers/${INPUT_CONTAINER}/blobs/`;
export const MANIFEST_SUBJECT_SUFFIX = `/${MANIFEST_BLOB_NAME}`;

export interface ManifestEventsProps {
  readonly resourceGroupName: string;
  /** Region of the data storage account, because a system topic lives next to its source. */
  readonly location: string;
  readonly topicName: string;
  readonly subscriptionName: string;
  /** Id of the data storage account whose blob events are published. */
  readonly dataStorageAccountId: string;
  /** Queue on the data account that receives the events. */
  readonly queue: StorageQueue;
  /** Container on the data account for events that could not be delivered. */
  readonly deadLetterContainer: StorageContainer;
  /** Delivery attempts before an event is dead-lettered. @default 30 */
  readonly maxDeliveryAttempts?: number;
  /** Minutes an undelivered event is retried before it is dead-lettered. @default 1440 */
  readonly eventTimeToLiveMinutes?: number;
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/**
 * Event Grid system topic on the data account and a subscription that delivers `BlobCreated` events of batch
 * manifests (`input/<batchId>/_manifest.json`) to a storage queue. Delivery and dead-lettering use the topic's
 * system-assigned identity, so no key or webhook secret is involved, and the whole path exists after one apply.
 */
export class ManifestEvents extends Construct {
  readonly topic: EventgridSystemTopic;
  readonly subscription: EventgridSystemTopicEventSubscription;

  constructor(scope: Construct, id: string, props: ManifestEventsProps) {
    super(scope, id);

    this.topic = new EventgridSystemTopic(this, 'topic', {
      name: props.topicName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      topicType: 'Microsoft.Storage.StorageAccounts',
      sourceResourceId: props.dataStorageAccountId,
      identity: { type: 'SystemAssigned' },
      tags: props.tags,
    });

    const principalId = this.topic.identity.principalId;
    const roles = [
      grantRole(this, 'queue-sender', {
        scope: props.queue.id,
        role: 'Storage Queue Data Message Sender',
        principalId,
      }),
      grantRole(this, 'dead-letter-writer', {
        scope: props.deadLetterContainer.id,
        role: 'Storage Blob Data Contributor',
        principalId,
      }),
    ];

    this.subscription = new EventgridSystemTopicEventSubscription(this, 'manifest-created', {
      name: props.subscriptionName,
      resourceGroupName: props.resourceGroupName,
      systemTopic: this.topic.name,
      eventDeliverySchema: 'EventGridSchema',
      includedEventTypes: ['Microsoft.Storage.BlobCreated'],
      subjectFilter: {
        subjectBeginsWith: MANIFEST_SUBJECT_PREFIX,
        subjectEndsWith: MANIFEST_SUBJECT_SUFFIX,
        caseSensitive: true,
      },
      storageQueueEndpoint: {
        storageAccountId: props.dataStorageAccountId,
        queueName: props.queue.name,
      },
      deliveryIdentity: { type: 'SystemAssigned' },
      retryPolicy: {
        maxDeliveryAttempts: props.maxDeliveryAttempts ?? 30,
        eventTimeToLive: props.eventTimeToLiveMinutes ?? 1440,
      },
      storageBlobDeadLetterDestination: {
        storageAccountId: props.dataStorageAccountId,
        storageBlobContainerName: props.deadLetterContainer.name,
      },
      deadLetterIdentity: { type: 'SystemAssigned' },
      dependsOn: roles,
    });
  }
}
