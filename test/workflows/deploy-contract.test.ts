import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildApp } from '../../infra/main';
import { environmentName, logsInToAzure, mayRequestIdToken } from './support/rules';
import { readWorkflows, WORKFLOW_DIR } from './support/workflow';

const STACK_OUTPUTS_SCRIPT = join(__dirname, '..', '..', 'scripts', 'smoke', 'stack-outputs.sh');
const DEPLOY_DOC = join(__dirname, '..', '..', 'docs', 'deploy.md');

interface SynthesizedStack {
  terraform: { backend?: Record<string, Record<string, unknown>> };
  output: Record<string, unknown>;
}

/** Evaluates `${{ vars.NAME }}` as GitHub does for a repository that has not set the variable: to ''. */
function withUnsetVariables(env: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value.replace(/\$\{\{\s*vars\.\w+\s*\}\}/g, '')]),
  );
}

/** Synthesizes the stack as the CI workflow does, with the environment its synth step sets. */
function synthesize(stack: string): SynthesizedStack {
  const ci = parse(readFileSync(join(WORKFLOW_DIR, 'ci.yml'), 'utf8'));
  const synthStep = ci.jobs.test.steps.find((step: { run?: string }) => step.run === 'npm run synth');
  const outdir = mkdtempSync(join(tmpdir(), 'deploy-contract-'));
  try {
    buildApp({ outdir, env: withUnsetVariables(synthStep.env) }).synth();
    return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('deploy contract with infra', () => {
  let prod: SynthesizedStack;

  beforeAll(() => {
    prod = synthesize('prod');
  });

  it('deploys the prod stack', () => {
    const deploy = parse(readFileSync(join(WORKFLOW_DIR, 'deploy.yml'), 'utf8'));

    expect(deploy.env.STACK).toBe('prod');
  });

  it('synthesizes an azurerm backend with OIDC', () => {
    const backend = prod.terraform.backend?.azurerm;

    expect(backend).toBeDefined();
    expect(backend?.use_oidc).toBe(true);
    expect(backend?.use_azuread_auth).toBe(true);
    expect(backend?.key).toEqual(expect.stringContaining('prod'));
  });

  it('leaves the state names to terraform init', () => {
    const backend = prod.terraform.backend?.azurerm ?? {};

    expect(backend.resource_group_name).toBeUndefined();
    expect(backend.storage_account_name).toBeUndefined();
    expect(backend.container_name).toBeUndefined();
  });

  it('declares every output the deploy reads', () => {
    const script = readFileSync(STACK_OUTPUTS_SCRIPT, 'utf8');
    const read = [...script.matchAll(/output_value ([a-z_]+)\)/g)].map((match) => match[1]);

    expect(read).toHaveLength(5);
    expect(Object.keys(prod.output)).toEqual(expect.arrayContaining(read));
  });
});

/** Returns the text of a `## ` section of a markdown file, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`section '## ${heading}' not found`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('deploy contract with docs/deploy.md', () => {
  const doc = readFileSync(DEPLOY_DOC, 'utf8');

  it('trusts only the environment subjects of login jobs', () => {
    const deploy = readWorkflows().find((workflow) => workflow.file === 'deploy.yml');
    const used = new Set(
      Object.values(deploy?.jobs ?? {})
        .filter((job) => mayRequestIdToken(job) || logsInToAzure(job))
        .map((job) => environmentName(job) ?? 'no environment'),
    );
    const subjects = [...doc.matchAll(/:(environment:[\w-]+|ref:refs\/[\w/.-]+|pull_request)\b/g)].map((m) => m[1]);

    expect(subjects.filter((subject) => !subject.startsWith('environment:'))).toEqual([]);
    expect(new Set(subjects.map((subject) => subject.slice('environment:'.length)))).toEqual(used);
  });

  it('synthesizes by hand like CI', () => {
    const ci = parse(readFileSync(join(WORKFLOW_DIR, 'ci.yml'), 'utf8'));
    const synthStep = ci.jobs.test.steps.find((step: { run?: string }) => step.run === 'npm run synth');
    const byHand = section(doc, 'Deploying by hand');
    const beforeSynth = byHand.slice(0, byHand.indexOf('npm run synth'));

    expect(Object.keys(synthStep.env).length).toBeGreaterThan(0);
    for (const name of Object.keys(synthStep.env)) {
      expect(beforeSynth).toMatch(new RegExp(`\\b${name}=`));
    }
  });
});
