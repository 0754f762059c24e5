import { builtScript, runScript } from './run-script';
import { scriptedApi } from './scripted-api';

describe('next steps that the CLI prints', () => {
  const cli = builtScript('cli');

  it('repeat stack options and hide secrets', async () => {
    const noManifest = 'No manifest at input/b1/_manifest.json: upload the batch files and the manifest first';
    const api = await scriptedApi([{ status: 404, body: { error: noManifest } }]);
    try {
      const secret = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0';
      const args = ['start', 'b1', '--url', api.url, '--data', '/tmp/fanout d2', '--connection-string', secret];
      const run = await runScript(cli, [...args, '--key', 'k3y']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `'npm run cli -- upload DIR --batch b1 --data '/tmp/fanout d2' --url ${api.url} ` +
          `--connection-string CONNECTION_STRING --key FUNCTION_KEY'`,
      );
      expect(run.stderr).not.toContain('c2VjcmV0');
      expect(run.stderr).not.toContain('k3y');
    } finally {
      await api.close();
    }
  });

  it('omit FANOUT_URL and the default folder', async () => {
    const noManifest = 'No manifest at input/b1/_manifest.json: upload the batch files and the manifest first';
    const api = await scriptedApi([{ status: 404, body: { error: noManifest } }]);
    try {
      const run = await runScript(cli, ['start', 'b1'], { env: { FANOUT_URL: api.url, FANOUT_DATA: '.data' } });
      expect(run.stderr).toContain(`'npm run cli -- upload DIR --batch b1'`);
    } finally {
      await api.close();
    }
  });
});
