import { EnvironmentConfig } from './config/environment-config';

/** The deployments that `cdktf synth` produces, one stack each. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [
  {
    name: 'dev',
    location: 'swedencentral',
    namePrefix: 'fanout',
    instanceMemoryMb: 2048,
    maximumInstanceCount: 40,
    alwaysReadyInstances: 0,
    logRetentionDays: 30,
    taskHubName: 'FanOutDev',
    storageReplication: 'LRS',
    workRetentionDays: 7,
  },
  {
    name: 'prod',
    location: 'swedencentral',
    namePrefix: 'fanout',
    instanceMemoryMb: 2048,
    maximumInstanceCount: 100,
    alwaysReadyInstances: 1,
    logRetentionDays: 90,
    taskHubName: 'FanOutProd',
    storageReplication: 'ZRS',
    workRetentionDays: 30,
  },
];
