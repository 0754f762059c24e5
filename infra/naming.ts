import { v5 as uuidV5 } from 'uuid';
import { EnvironmentConfig } from './config/environment-config';

/**
 * Namespace of the UUID v5 names in this project. It is fixed so that the same stack always gets the same workbook
 * name, which Azure requires to be a UUID.
 */
const NAME_NAMESPACE = '6ef05a5a-3e4c-46e2-b487-62de5409867d';

/** Resource names of one environment, derived only from its prefix and name so that every synth produces the same names. */
export interface ResourceNames {
  readonly resourceGroup: string;
  readonly logAnalyticsWorkspace: string;
  readonly applicationInsights: string;
  readonly hostStorageAccount: string;
  readonly dataStorageAccount: string;
  readonly identity: string;
  readonly servicePlan: string;
  readonly functionApp: string;
  readonly systemTopic: string;
  readonly manifestSubscription: string;
  readonly workbook: string;
}

/** Derives the resource names of `config`, each starting with a short abbreviation of the resource type. */
export function resourceNames(config: EnvironmentConfig): ResourceNames {
  const suffix = `${config.namePrefix}-${config.name}`;

  return {
    resourceGroup: `rg-${suffix}`,
    logAnalyticsWorkspace: `log-${suffix}`,
    applicationInsights: `appi-${suffix}`,
    hostStorageAccount: `${config.namePrefix}${config.name}host`,
    dataStorageAccount: `${config.namePrefix}${config.name}data`,
    identity: `id-${suffix}`,
    servicePlan: `asp-${suffix}`,
    functionApp: `func-${suffix}`,
    systemTopic: `evgt-${suffix}-data`,
    manifestSubscription: 'manifest-created',
    workbook: uuidV5(`${suffix}/pipeline-workbook`, NAME_NAMESPACE),
  };
}
