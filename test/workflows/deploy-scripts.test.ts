import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from './support/commands';

const SCRIPTS = join(__dirname, '..', '..', 'scripts');
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('bash', [join(SCRIPTS, script), ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses NAME=value lines. */
function parseLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

beforeAll(() => requireCommands(['bash', 'jq']));

describe('bootstrap-state --print-env', () => {
  it('derives a valid account name', () => {
    const result = run('bootstrap-state.sh', ['--print-env'], { AZURE_SUBSCRIPTION_ID: SUBSCRIPTION });

    const names = parseLines(result.stdout);
    expect(result.code).toBe(0);
    expect(names.TFSTATE_STORAGE_ACCOUNT).toMatch(/^tfstate[0-9a-f]{15}$/);
    expect(names.TFSTATE_RESOURCE_GROUP).toBe('rg-fanout-tfstate');
    expect(names.TFSTATE_CONTAINER).toBe('tfstate');
  });

  it('derives the same name from ARM_SUBSCRIPTION_ID', () => {
    const fromAzure = run('bootstrap-state.sh', ['--print-env'], { AZURE_SUBSCRIPTION_ID: SUBSCRIPTION });
    const fromArm = run('bootstrap-state.sh', ['--print-env'], { ARM_SUBSCRIPTION_ID: SUBSCRIPTION });

    expect(fromArm.stdout).toBe(fromAzure.stdout);
  });

  it('derives another name per subscription', () => {
    const first = run('bootstrap-state.sh', ['--print-env'], { AZURE_SUBSCRIPTION_ID: SUBSCRIPTION });
    const second = run('bootstrap-state.sh', ['--print-env'], {
      AZURE_SUBSCRIPTION_ID: SUBSCRIPTION.replace(/1$/, '2'),
    });

    expect(parseLines(second.stdout).TFSTATE_STORAGE_ACCOUNT).not.toBe(
      parseLines(first.stdout).TFSTATE_STORAGE_ACCOUNT,
    );
  });

  it('keeps names set in the environment', () => {
    const result = run('bootstrap-state.sh', ['--print-env'], {
      TFSTATE_RESOURCE_GROUP: 'rg-state',
      TFSTATE_STORAGE_ACCOUNT: 'mystate01',
      TFSTATE_CONTAINER: 'state',
    });

    expect(parseLines(result.stdout)).toEqual({
      TFSTATE_RESOURCE_GROUP: 'rg-state',
      TFSTATE_STORAGE_ACCOUNT: 'mystate01',
      TFSTATE_CONTAINER: 'state',
    });
  });

  it('rejects an invalid account name', () => {
    const result = run('bootstrap-state.sh', ['--print-env'], { TFSTATE_STORAGE_ACCOUNT: 'My_State' });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid storage account name 'My_State'");
  });

  it('rejects a missing subscription', () => {
    const result = run('bootstrap-state.sh', ['--print-env']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no subscription id');
  });
});

describe('stack-outputs', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'outputs-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function writeOutputs(values: Record<string, string>): string {
    const file = join(folder, 'outputs.json');
    const outputs = Object.fromEntries(
      Object.entries(values).map(([name, value]) => [name, { sensitive: false, type: 'string', value }]),
    );
    writeFileSync(file, JSON.stringify(outputs));
    return file;
  }

  const WORKBOOK_ID = '/subscriptions/s/resourceGroups/rg-fanout-prod/providers/Microsoft.Insights/workbooks/w';

  it('maps terraform outputs to job outputs', () => {
    const file = writeOutputs({
      resource_group_name: 'rg-fanout-prod',
      function_app_name: 'func-fanout-prod',
      function_app_hostname: 'func-fanout-prod.azurewebsites.net',
      data_storage_account_name: 'fanoutproddata',
      workbook_id: WORKBOOK_ID,
    });

    const result = run('smoke/stack-outputs.sh', [file], { AZURE_TENANT_ID: 'tenant-1' });

    expect(result.stderr).toBe('');
    expect(parseLines(result.stdout)).toEqual({
      'resource-group': 'rg-fanout-prod',
      'function-app': 'func-fanout-prod',
      hostname: 'func-fanout-prod.azurewebsites.net',
      'data-storage-account': 'fanoutproddata',
      'workbook-url': `https://portal.azure.com/#@tenant-1/resource${WORKBOOK_ID}/workbook`,
    });
  });

  it('fails on a missing output', () => {
    const file = writeOutputs({ resource_group_name: 'rg-fanout-prod' });

    const result = run('smoke/stack-outputs.sh', [file]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("output 'function_app_name' is missing");
  });
});
