import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidConfigurationError } from '../../infra/config/validation';
import { ENVIRONMENTS } from '../../infra/environments';
import { FanOutStack } from '../../infra/fan-out-stack';
import { buildApp, NAME_PREFIX_VARIABLE } from '../../infra/main';
import { synthesizeEnvironment, withTestingApp } from './support/synthesized-stack';

const ROOT = path.resolve(__dirname, '../..');
const [dev] = ENVIRONMENTS;

/** Synthesizes every environment with local state into a new folder and returns the folder. */
function synthesizeApp(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-synth-'));
  buildApp({ outdir, env: {} }).synth();
  return outdir;
}

/** Reads every file under `folder`, keyed by relative path. */
function readTree(folder: string): Map<string, Buffer> {
  const files = fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
  return new Map(
    files
      .filter((file) => fs.statSync(path.join(folder, file)).isFile())
      .map((file) => [file, fs.readFileSync(path.join(folder, file))]),
  );
}

/** `unshare -n` runs a command in a new network namespace with no interface up, which needs root. */
function networkIsolation(): string[] {
  return spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];
}

describe('synthesis', () => {
  const folders: string[] = [];
  let first: Map<string, Buffer>;
  let second: Map<string, Buffer>;

  beforeAll(() => {
    folders.push(synthesizeApp(), synthesizeApp());
    [first, second] = folders.map(readTree);
  });
  afterAll(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

  it('two synths are byte-identical', () => {
    expect([...first.keys()]).toEqual(expect.arrayContaining(ENVIRONMENTS.map((e) => `stacks/${e.name}/cdk.tf.json`)));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, bytes] of first) {
      expect({ file, equal: bytes.equals(second.get(file) as Buffer) }).toEqual({ file, equal: true });
    }
  });

  // NOTE: on a machine where unshare is not allowed (not root), this runs with the network the machine has.
  it('npm run synth works offline', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-cli-'));
    folders.push(outdir);
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TFSTATE_')));
    const [command, ...args] = [...networkIsolation(), 'npm', 'run', 'synth', '--', '--output', outdir];

    const result = spawnSync(command, args, { cwd: ROOT, env: { ...env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' });

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    for (const environment of ENVIRONMENTS) {
      const file = `stacks/${environment.name}/cdk.tf.json`;
      expect(fs.readFileSync(path.join(outdir, file)).equals(first.get(file) as Buffer)).toBe(true);
    }
  });

  it('npm run synth names invalid settings', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-cli-'));
    folders.push(outdir);
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TFSTATE_CONTAINER: 'tfstate', TFSTATE_RESOURCE_GROUP: '' };

    const result = spawnSync('npm', ['run', 'synth', '--', '--output', outdir], { cwd: ROOT, env, encoding: 'utf8' });

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('- TFSTATE_RESOURCE_GROUP is not set.');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('keeps local state outside cdktf.out', () => {
    const { json } = synthesizeEnvironment(dev);
    expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.tfstate.d/${dev.name}.tfstate` } });
  });

  it('remote state uses OIDC and Entra ID', () => {
    const stateBackend = {
      resourceGroupName: 'rg-state',
      storageAccountName: 'statestorage',
      containerName: 'tfstate',
      keyTemplate: 'fan-out/{stack}.tfstate',
    };
    const { json } = synthesizeEnvironment(dev, stateBackend);

    expect(json.terraform.backend).toEqual({
      azurerm: {
        resource_group_name: 'rg-state',
        storage_account_name: 'statestorage',
        container_name: 'tfstate',
        key: `fan-out/${dev.name}.tfstate`,
        use_oidc: true,
        use_azuread_auth: true,
      },
    });
  });

  it('leaves unset state names to init', () => {
    const { json } = synthesizeEnvironment(dev, { keyTemplate: '{stack}.tfstate' });
    expect(json.terraform.backend).toEqual({
      azurerm: { key: `${dev.name}.tfstate`, use_oidc: true, use_azuread_auth: true },
    });
  });

  it('pins azurerm 4.55.0 by full source', () => {
    const { json } = synthesizeEnvironment(dev);
    expect(json.terraform.required_providers.azurerm).toEqual({ source: 'hashicorp/azurerm', version: '4.55.0' });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
  });

  it('rejects an invalid environment', () => {
    const environment = { ...dev, maximumInstanceCount: 20 };
    const declare = () => withTestingApp((app) => new FanOutStack(app, 'invalid', { environment }));

    expect(declare).toThrow(InvalidConfigurationError);
    expect(declare).toThrow('maximumInstanceCount 20 is invalid. Allowed: an integer from 40 to 1000.');
  });

  it('declares the documented outputs', () => {
    const { json } = synthesizeEnvironment(dev);
    expect(Object.keys(json.output).sort()).toEqual([
      'application_insights_name',
      'blob_created_queue_name',
      'data_storage_account_name',
      'data_storage_containers',
      'function_app_hostname',
      'function_app_name',
      'host_storage_account_name',
      'host_storage_containers',
      'identity_client_id',
      'resource_group_name',
      'task_hub_name',
      'workbook_id',
    ]);
  });

  it('outputs the hostname Azure assigns', () => {
    const { json } = synthesizeEnvironment(dev);
    expect(json.output.function_app_hostname.value).toMatch(
      /^\$\{azurerm_function_app_flex_consumption\.[^.]+\.default_hostname\}$/,
    );
  });
});

describe('name prefix from the environment', () => {
  function storageAccountNames(env: NodeJS.ProcessEnv): string[] {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-prefix-'));
    try {
      buildApp({ outdir, env }).synth();
      const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', dev.name, 'cdk.tf.json'), 'utf8'));
      return Object.values(stack.resource.azurerm_storage_account as Record<string, { name: string }>)
        .map((account) => account.name)
        .sort();
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  it('replaces the configured prefix in global names', () => {
    expect(storageAccountNames({ [NAME_PREFIX_VARIABLE]: 'contoso7' })).toEqual(['contoso7devdata', 'contoso7devhost']);
  });

  it('rejects an invalid prefix naming the field', () => {
    expect(() => storageAccountNames({ [NAME_PREFIX_VARIABLE]: 'Bad_Prefix' })).toThrow(/namePrefix "Bad_Prefix"/);
  });
});
