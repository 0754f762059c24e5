import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommands } from './support/commands';

const SMOKE = join(__dirname, '..', '..', 'scripts', 'smoke', 'smoke.sh');
const OBJECT_ID = '11111111-2222-3333-4444-555555555555';
const ACCOUNT_ID = '/subscriptions/s/resourceGroups/rg-fanout-prod/providers/Microsoft.Storage/storageAccounts/data';

/**
 * A fake Azure CLI for `smoke.sh access`. It appends each call's arguments to $AZ_CALLS, one line per call, and
 * prints $AZ_TOKEN for `az account get-access-token` and $AZ_GRANTED for `az role assignment list`.
 */
const FAKE_AZ = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "\${AZ_CALLS}"
case "$1 $2 $3" in
  "storage account show") echo '${ACCOUNT_ID}' ;;
  "account get-access-token "*) echo "\${AZ_TOKEN}" ;;
  "role assignment list") echo "\${AZ_GRANTED}" ;;
  "role assignment create") ;;
  *) echo "unexpected az call: $*" >&2; exit 3 ;;
esac
`;

/** Encodes claims as an unsigned JWT, base64url without padding like Entra ID tokens. */
function token(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(claims)}.signature`;
}

beforeAll(() => requireCommands(['bash', 'jq', 'base64']));

describe('smoke access', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'smoke-access-'));
    writeFileSync(join(folder, 'az'), FAKE_AZ);
    chmodSync(join(folder, 'az'), 0o755);
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function access(claims: Record<string, unknown>, granted = '0') {
    writeFileSync(join(folder, 'calls'), '');
    const result = spawnSync('bash', [SMOKE, 'access'], {
      env: {
        PATH: `${folder}:${process.env.PATH}`,
        AZ_CALLS: join(folder, 'calls'),
        AZ_TOKEN: token(claims),
        AZ_GRANTED: granted,
        RESOURCE_GROUP: 'rg-fanout-prod',
        DATA_STORAGE_ACCOUNT: 'data',
      },
      encoding: 'utf8',
    });
    const calls = readFileSync(join(folder, 'calls'), 'utf8').trim().split('\n');
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  }

  function createCall(calls: string[]): string | undefined {
    return calls.find((call) => call.startsWith('role assignment create'));
  }

  it('grants an app as ServicePrincipal', () => {
    const result = access({ oid: OBJECT_ID, idtyp: 'app' });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(createCall(result.calls)).toContain(
      `--assignee-object-id ${OBJECT_ID} --assignee-principal-type ServicePrincipal`,
    );
    expect(createCall(result.calls)).toContain(`--scope ${ACCOUNT_ID}`);
  });

  it('grants a user as User', () => {
    const result = access({ oid: OBJECT_ID, idtyp: 'user', scp: 'user_impersonation' });

    expect(result.code).toBe(0);
    expect(createCall(result.calls)).toContain(`--assignee-object-id ${OBJECT_ID} --assignee-principal-type User`);
  });

  it('falls back to scp without idtyp', () => {
    const user = access({ oid: OBJECT_ID, scp: 'user_impersonation' });
    const app = access({ oid: OBJECT_ID, roles: [] });

    expect(createCall(user.calls)).toContain('--assignee-principal-type User');
    expect(createCall(app.calls)).toContain('--assignee-principal-type ServicePrincipal');
  });

  it('decodes unpadded base64url claims', () => {
    // This payload's base64url length is not a multiple of 4, and '?>' encodes to '-' and '_'.
    const claims = { oid: OBJECT_ID, idtyp: 'user', name: 'a?>?>?>b' };
    const payload = token(claims).split('.')[1];
    expect(payload.length % 4).not.toBe(0);
    expect(payload).toMatch(/[-_]/);

    const result = access(claims);

    expect(result.code).toBe(0);
    expect(createCall(result.calls)).toContain(`--assignee-object-id ${OBJECT_ID} --assignee-principal-type User`);
  });

  it('grants nothing twice', () => {
    const result = access({ oid: OBJECT_ID, idtyp: 'user' }, '1');

    expect(result.code).toBe(0);
    expect(createCall(result.calls)).toBeUndefined();
    expect(result.stdout).toContain('already granted');
  });

  it('fails on a token without oid', () => {
    const result = access({ idtyp: 'app' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no oid claim');
    expect(createCall(result.calls)).toBeUndefined();
  });
});
