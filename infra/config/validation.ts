import {
  EnvironmentConfig,
  INSTANCE_MEMORY_SIZES_MB,
  LOG_RETENTION_DAYS,
  STORAGE_REPLICATIONS,
} from './environment-config';

/** Raised when an environment configuration breaks a rule. `problems` lists every broken rule. */
export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid infrastructure configuration:\n- ${problems.join('\n- ')}`);
  }
}

/** One check of one field: `allowed` describes the accepted values for the error message. */
interface FieldRule {
  readonly field: keyof EnvironmentConfig;
  readonly allowed: (config: EnvironmentConfig) => string;
  readonly isValid: (value: unknown, config: EnvironmentConfig) => boolean;
}

const matches = (pattern: RegExp) => (value: unknown) => typeof value === 'string' && pattern.test(value);

const isIntegerIn = (min: number, max: number) => (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const isOneOf = (values: readonly unknown[]) => (value: unknown) => values.includes(value);

/**
 * The environment name and the prefix are limited so that `<namePrefix><name>host` stays within the 24 lowercase
 * letters and digits that a storage account name allows (12 + 8 + 4).
 */
const FIELD_RULES: readonly FieldRule[] = [
  {
    field: 'name',
    allowed: () => '2 to 8 lowercase letters or digits, starting with a letter',
    isValid: matches(/^[a-z][a-z0-9]{1,7}$/),
  },
  {
    field: 'location',
    allowed: () =>
      "an Azure region name in lowercase letters and digits without spaces, such as 'swedencentral' or 'eastus2' " +
      '(az account list-locations --query [].name)',
    isValid: matches(/^[a-z]{4,}[a-z0-9]*$/),
  },
  {
    field: 'namePrefix',
    allowed: () => '3 to 12 lowercase letters or digits, starting with a letter (storage account name rules)',
    isValid: matches(/^[a-z][a-z0-9]{2,11}$/),
  },
  {
    field: 'instanceMemoryMb',
    allowed: () => INSTANCE_MEMORY_SIZES_MB.join(', '),
    isValid: isOneOf(INSTANCE_MEMORY_SIZES_MB),
  },
  {
    field: 'maximumInstanceCount',
    allowed: () => 'an integer from 40 to 1000',
    isValid: isIntegerIn(40, 1000),
  },
  {
    field: 'alwaysReadyInstances',
    allowed: (config) => `an integer from 0 to maximumInstanceCount (${config.maximumInstanceCount})`,
    isValid: (value, config) => isIntegerIn(0, config.maximumInstanceCount)(value),
  },
  {
    field: 'logRetentionDays',
    allowed: () => LOG_RETENTION_DAYS.join(', '),
    isValid: isOneOf(LOG_RETENTION_DAYS),
  },
  {
    field: 'taskHubName',
    allowed: () => '3 to 45 letters or digits, starting with a letter (Durable Functions task hub name rules)',
    isValid: matches(/^[A-Za-z][A-Za-z0-9]{2,44}$/),
  },
  {
    field: 'storageReplication',
    allowed: () => STORAGE_REPLICATIONS.join(', '),
    isValid: isOneOf(STORAGE_REPLICATIONS),
  },
  {
    field: 'workRetentionDays',
    allowed: () => 'an integer from 1 to 3650',
    isValid: isIntegerIn(1, 3650),
  },
];

/** Lists every rule that `config` breaks, one message each, naming the field, its value and the allowed values. */
export function findConfigurationProblems(config: EnvironmentConfig): string[] {
  return FIELD_RULES.filter((rule) => !rule.isValid(config[rule.field], config)).map(
    (rule) =>
      `environment ${JSON.stringify(config.name)}: ${rule.field} ${JSON.stringify(config[rule.field])} is invalid. ` +
      `Allowed: ${rule.allowed(config)}.`,
  );
}

/** Lists names and task hubs that two environments share, since each environment needs its own of both. */
function findDuplicates(environments: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];

  for (const field of ['name', 'taskHubName'] as const) {
    const seen = new Set<string>();
    for (const environment of environments) {
      const value = environment[field].toLowerCase();
      if (seen.has(value)) {
        problems.push(`${field} ${JSON.stringify(environment[field])} is used by more than one environment.`);
      }
      seen.add(value);
    }
  }
  return problems;
}

/** Throws `InvalidConfigurationError` listing every problem when any environment is invalid. */
export function assertValidEnvironments(environments: readonly EnvironmentConfig[]): void {
  const problems = [...environments.flatMap(findConfigurationProblems), ...findDuplicates(environments)];

  if (environments.length === 0) {
    problems.push('no environment is configured. Add at least one to the environment list.');
  }
  if (problems.length > 0) {
    throw new InvalidConfigurationError(problems);
  }
}
