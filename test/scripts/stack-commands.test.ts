import path from 'node:path';
import { cliCommand, npmCommandFor } from '../../scripts/src/stack-options';

describe('npm commands for a stack', () => {
  it('omits default options', () => {
    expect(npmCommandFor('start', {})).toBe('npm start');
    expect(npmCommandFor('run demo', { port: '7071', data: path.resolve('.data') })).toBe('npm run demo');
  });

  it('repeats ports and data folder', () => {
    const flags = { port: '17400', blobPort: '17401', data: '/tmp/demo data' };

    expect(npmCommandFor('start', flags)).toBe("npm start -- --port 17400 --blob-port 17401 --data '/tmp/demo data'");
    expect(npmCommandFor('run demo', flags)).toBe(
      "npm run demo -- --port 17400 --blob-port 17401 --data '/tmp/demo data'",
    );
  });
});

describe('CLI commands for a stack', () => {
  it('repeat data folder, URL and account', () => {
    const location = { data: '/tmp/d2', url: 'http://127.0.0.1:17400', urlSource: 'cli' as const, account: 'acct' };
    expect(cliCommand(['wait', 'b1', '--run', 'r1'], location)).toBe(
      'npm run cli -- wait b1 --run r1 --data /tmp/d2 --url http://127.0.0.1:17400 --account acct',
    );
  });

  it('hide secrets and omit FANOUT_URL', () => {
    const location = {
      data: path.resolve(__dirname, '..', '..', '.data'),
      url: 'http://127.0.0.1:17400',
      urlSource: 'env' as const,
      connectionString: 'AccountKey=c2VjcmV0',
      key: 'k3y',
      keySource: 'cli' as const,
    };
    expect(cliCommand(['status', 'b1'], location)).toBe(
      'npm run cli -- status b1 --connection-string CONNECTION_STRING --key FUNCTION_KEY',
    );
  });
});
