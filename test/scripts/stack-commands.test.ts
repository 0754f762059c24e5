import path from 'node:path';
import { npmCommandFor } from '../../scripts/src/stack-options';

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
