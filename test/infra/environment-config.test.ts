import { EnvironmentConfig } from '../../infra/config/environment-config';
import { DEFAULT_STATE_KEY_TEMPLATE, readStateBackendSettings } from '../../infra/config/state-backend';
import {
  assertValidEnvironments,
  findConfigurationProblems,
  InvalidConfigurationError,
} from '../../infra/config/validation';
import { ENVIRONMENTS } from '../../infra/environments';

const valid: EnvironmentConfig = {
  name: 'test',
  location: 'westeurope',
  namePrefix: 'pipeline',
  instanceMemoryMb: 2048,
  maximumInstanceCount: 40,
  alwaysReadyInstances: 0,
  logRetentionDays: 30,
  taskHubName: 'PipelineTest',
  storageReplication: 'LRS',
  workRetentionDays: 7,
};

/** Runs the rules on `valid` with one field replaced. The cast lets a test pass what TypeScript would reject. */
function problemsWith(field: keyof EnvironmentConfig, value: unknown): string[] {
  return findConfigurationProblems({ ...valid, [field]: value } as EnvironmentConfig);
}

describe('environment configuration', () => {
  it('shipped environments pass every rule', () => {
    expect(() => assertValidEnvironments(ENVIRONMENTS)).not.toThrow();
  });

  it('valid example passes every rule', () => {
    expect(findConfigurationProblems(valid)).toEqual([]);
  });

  it.each([
    ['West Europe', 'location'],
    ['west-europe', 'location'],
    ['', 'location'],
  ])('rejects location %j naming the expected format', (value) => {
    expect(problemsWith('location', value)).toEqual([
      `environment "test": location ${JSON.stringify(value)} is invalid. Allowed: an Azure region name in lowercase ` +
        "letters and digits without spaces, such as 'swedencentral' or 'eastus2' " +
        '(az account list-locations --query [].name).',
    ]);
  });

  it.each([39, 1001, 0, 40.5])('rejects maximumInstanceCount %p naming the range', (value) => {
    expect(problemsWith('maximumInstanceCount', value)).toEqual([
      `environment "test": maximumInstanceCount ${value} is invalid. Allowed: an integer from 40 to 1000.`,
    ]);
  });

  it.each([40, 1000])('accepts maximumInstanceCount %p at the bounds', (value) => {
    expect(problemsWith('maximumInstanceCount', value)).toEqual([]);
  });

  it.each([1024, 256, 8192])('rejects instanceMemoryMb %p naming the sizes', (value) => {
    expect(problemsWith('instanceMemoryMb', value)).toEqual([
      `environment "test": instanceMemoryMb ${value} is invalid. Allowed: 512, 2048, 4096.`,
    ]);
  });

  it('rejects negative always-ready instances', () => {
    expect(problemsWith('alwaysReadyInstances', -1)).toEqual([
      'environment "test": alwaysReadyInstances -1 is invalid. Allowed: an integer from 0 to maximumInstanceCount (40).',
    ]);
  });

  it('rejects more always-ready instances than the maximum', () => {
    expect(problemsWith('alwaysReadyInstances', 41)).toHaveLength(1);
  });

  it('rejects a retention outside the Log Analytics set', () => {
    expect(problemsWith('logRetentionDays', 45)).toEqual([
      'environment "test": logRetentionDays 45 is invalid. Allowed: 30, 60, 90, 120, 180, 270, 365, 550, 730.',
    ]);
  });

  it.each(['Fanout', 'fan-out', 'fo', 'f23456789012x', '1fanout'])(
    'rejects name prefix %j that breaks storage account names',
    (value) => {
      expect(problemsWith('namePrefix', value)).toEqual([
        `environment "test": namePrefix ${JSON.stringify(value)} is invalid. Allowed: 3 to 12 lowercase letters or ` +
          'digits, starting with a letter (storage account name rules).',
      ]);
    },
  );

  it.each(['Dev', 'd', 'development', 'qa-1'])('rejects environment name %j', (value) => {
    expect(problemsWith('name', value)).toHaveLength(1);
  });

  it.each(['ab', 'hub-dev', '1hub'])('rejects task hub name %j', (value) => {
    expect(problemsWith('taskHubName', value)).toHaveLength(1);
  });

  it('rejects an unknown storage replication', () => {
    expect(problemsWith('storageReplication', 'PREMIUM')).toEqual([
      'environment "test": storageReplication "PREMIUM" is invalid. Allowed: LRS, ZRS, GRS, RAGRS, GZRS, RAGZRS.',
    ]);
  });

  it.each([0, -1, 3651, 7.5, '7'])('rejects workRetentionDays %p naming the range', (value) => {
    expect(problemsWith('workRetentionDays', value)).toEqual([
      `environment "test": workRetentionDays ${JSON.stringify(value)} is invalid. Allowed: an integer from 1 to 3650.`,
    ]);
  });

  it.each([1, 3650])('accepts workRetentionDays %p at the bounds', (value) => {
    expect(problemsWith('workRetentionDays', value)).toEqual([]);
  });

  it('reports every broken rule at once', () => {
    const config = { ...valid, location: 'West Europe', maximumInstanceCount: 20, instanceMemoryMb: 1000 };
    let caught: unknown;
    try {
      assertValidEnvironments([config as EnvironmentConfig]);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvalidConfigurationError);
    const fields = (caught as InvalidConfigurationError).problems.map((problem) => problem.split(' ')[2]);
    expect(fields).toEqual(['location', 'instanceMemoryMb', 'maximumInstanceCount']);
  });

  it('rejects two environments that share a task hub', () => {
    const other = { ...valid, name: 'other', taskHubName: valid.taskHubName.toUpperCase() };
    expect(() => assertValidEnvironments([valid, other])).toThrow(
      `taskHubName "${other.taskHubName}" is used by more than one environment.`,
    );
  });

  it('rejects two environments with the same name', () => {
    const other = { ...valid, taskHubName: 'OtherHub' };
    expect(() => assertValidEnvironments([valid, other])).toThrow('name "test" is used by more than one environment.');
  });

  it('rejects an empty environment list', () => {
    expect(() => assertValidEnvironments([])).toThrow('no environment is configured');
  });
});

describe('state backend settings', () => {
  const names = {
    TFSTATE_RESOURCE_GROUP: 'rg-state',
    TFSTATE_STORAGE_ACCOUNT: 'statestorage',
    TFSTATE_CONTAINER: 'tfstate',
  };

  it('use local state when no variable is set', () => {
    expect(readStateBackendSettings({})).toBeUndefined();
  });

  it('use azurerm when all three names are set', () => {
    expect(readStateBackendSettings(names)).toEqual({
      resourceGroupName: 'rg-state',
      storageAccountName: 'statestorage',
      containerName: 'tfstate',
      keyTemplate: DEFAULT_STATE_KEY_TEMPLATE,
    });
  });

  it('take the key template from TFSTATE_KEY', () => {
    expect(readStateBackendSettings({ ...names, TFSTATE_KEY: 'team/{stack}.tfstate' })?.keyTemplate).toBe(
      'team/{stack}.tfstate',
    );
  });

  it('name each missing variable of a partial set', () => {
    expect(() => readStateBackendSettings({ TFSTATE_CONTAINER: 'tfstate' })).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^TFSTATE_RESOURCE_GROUP is not set\./),
          expect.stringMatching(/^TFSTATE_STORAGE_ACCOUNT is not set\./),
        ],
      }),
    );
  });

  it('allow a partial configuration completed at init when TFSTATE_BACKEND is azurerm', () => {
    expect(readStateBackendSettings({ TFSTATE_BACKEND: 'azurerm' })).toEqual({
      resourceGroupName: undefined,
      storageAccountName: undefined,
      containerName: undefined,
      keyTemplate: DEFAULT_STATE_KEY_TEMPLATE,
    });
  });

  it('reject a key without the stack placeholder', () => {
    expect(() => readStateBackendSettings({ ...names, TFSTATE_KEY: 'state.tfstate' })).toThrow(
      'TFSTATE_KEY "state.tfstate" is invalid. Allowed: a blob name containing {stack}',
    );
  });

  it('reject an unknown backend type', () => {
    expect(() => readStateBackendSettings({ TFSTATE_BACKEND: 's3' })).toThrow(
      'TFSTATE_BACKEND "s3" is invalid. Allowed: local, azurerm.',
    );
  });

  it('reject local state combined with state names', () => {
    expect(() => readStateBackendSettings({ ...names, TFSTATE_BACKEND: 'local' })).toThrow(
      'TFSTATE_BACKEND is local, but these state names are set: TFSTATE_RESOURCE_GROUP, TFSTATE_STORAGE_ACCOUNT, ' +
        'TFSTATE_CONTAINER.',
    );
  });
});
