/** Instance memory sizes that Flex Consumption offers, in MB. */
export const INSTANCE_MEMORY_SIZES_MB = [512, 2048, 4096] as const;
export type InstanceMemoryMb = (typeof INSTANCE_MEMORY_SIZES_MB)[number];

/**
 * Retention periods, in days, that both the Log Analytics workspace (any value from 30 to 730 on PerGB2018)
 * and Application Insights (exactly these values) accept.
 */
export const LOG_RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** Storage redundancy options of a StorageV2 account with the Standard tier. */
export const STORAGE_REPLICATIONS = ['LRS', 'ZRS', 'GRS', 'RAGRS', 'GZRS', 'RAGZRS'] as const;
export type StorageReplication = (typeof STORAGE_REPLICATIONS)[number];

/** Settings that differ between deployments of the pipeline. One stack is synthesized per environment. */
export interface EnvironmentConfig {
  /** Environment name, also the stack name and part of every resource name (2 to 8 lowercase letters or digits). */
  readonly name: string;

  /** Azure region name as the CLI spells it, such as `swedencentral` or `eastus2`. */
  readonly location: string;

  /**
   * Prefix of every resource name (3 to 12 lowercase letters or digits, starting with a letter). Storage account
   * names are `<namePrefix><name>host` and `<namePrefix><name>data` and must be unique across Azure, so pick a
   * prefix that is unlikely to be taken.
   */
  readonly namePrefix: string;

  /** Memory of each Function App instance in MB. */
  readonly instanceMemoryMb: InstanceMemoryMb;

  /** Upper bound of the Flex Consumption scale-out, 40 to 1000 (the azurerm 4.55 provider rejects other values). */
  readonly maximumInstanceCount: number;

  /**
   * Instances kept warm for the `durable` scale group (orchestrators, activities and entities). Zero lets the app
   * scale to zero, and any other value is billed while idle.
   */
  readonly alwaysReadyInstances: number;

  /** Days that the Log Analytics workspace and Application Insights keep the telemetry. */
  readonly logRetentionDays: LogRetentionDays;

  /**
   * Durable task hub name, passed to the app as `TASKHUB_NAME` (3 to 45 letters or digits, starting with a letter).
   * Change it to run a new orchestrator version side by side with instances still in flight on the old hub.
   */
  readonly taskHubName: string;

  /** Redundancy of both storage accounts. */
  readonly storageReplication: StorageReplication;

  /**
   * Days after their last modification that blobs in the data account's `work` container are deleted (1 to 3650). A
   * redrive needs its base run's work blobs, so this is also how long a failed batch stays redrivable.
   */
  readonly workRetentionDays: number;
}
