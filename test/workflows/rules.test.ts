import {
  findBroadWorkflowPermissions,
  findCancellableDeploys,
  findDeploysWithoutTests,
  findExpressionsInRun,
  findIdTokenMisuse,
  findIdTokenOutsideEnvironment,
  findInstallsWithIdToken,
  findJobsWithoutTimeout,
  findSecretCredentials,
  findUnpinnedActions,
  isDeployJob,
  mayRequestIdToken,
} from './support/rules';
import { parseWorkflow, readWorkflows, Step, Workflow } from './support/workflow';

const CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1';
const LOGIN = 'azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca # v3.0.1';

/** A small deploy workflow that passes every rule; each bad fixture below changes one thing in it. */
const GOOD_DEPLOY = `
on: push
permissions:
  contents: read
concurrency:
  group: deploy
  cancel-in-progress: false
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: ${CHECKOUT}
  deploy:
    needs: test
    runs-on: ubuntu-latest
    timeout-minutes: 10
    environment: production
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: ${LOGIN}
        with:
          client-id: \${{ vars.AZURE_CLIENT_ID }}
          tenant-id: \${{ vars.AZURE_TENANT_ID }}
          subscription-id: \${{ vars.AZURE_SUBSCRIPTION_ID }}
`;

function fixture(replace: string, by: string): Workflow {
  expect(GOOD_DEPLOY).toContain(replace);
  return parseWorkflow(GOOD_DEPLOY.replace(replace, by), 'fixture.yml');
}

const workflows = readWorkflows();
const deploy = workflows.find((workflow) => workflow.file === 'deploy.yml');

const RULES = [
  findUnpinnedActions,
  findBroadWorkflowPermissions,
  findIdTokenMisuse,
  findSecretCredentials,
  findJobsWithoutTimeout,
  findDeploysWithoutTests,
  findCancellableDeploys,
  findExpressionsInRun,
  findIdTokenOutsideEnvironment,
  findInstallsWithIdToken,
];

describe('workflow rule fixtures', () => {
  it.each(RULES.map((rule) => [rule.name, rule]))('good fixture passes %s', (_name, rule) => {
    expect(rule(parseWorkflow(GOOD_DEPLOY, 'fixture.yml'))).toEqual([]);
  });
});

describe('action pins', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s pins every action', (_file, workflow) => {
    expect(findUnpinnedActions(workflow)).toEqual([]);
  });

  it('rejects a tag', () => {
    const workflow = fixture(CHECKOUT, 'actions/checkout@v7');

    expect(findUnpinnedActions(workflow)).toEqual([expect.stringContaining('actions/checkout@v7 is not pinned')]);
  });

  it('rejects a short SHA', () => {
    const workflow = fixture(CHECKOUT, 'actions/checkout@3d3c42e # v7.0.1');

    expect(findUnpinnedActions(workflow)).toEqual([expect.stringContaining('not pinned to a 40-character')]);
  });

  it('rejects a SHA without its version comment', () => {
    const workflow = fixture(CHECKOUT, CHECKOUT.replace(' # v7.0.1', ''));

    expect(findUnpinnedActions(workflow)).toEqual([expect.stringContaining("no '# vX.Y.Z' comment")]);
  });

  it('rejects a docker image without digest', () => {
    const workflow = fixture(CHECKOUT, 'docker://alpine:3');

    expect(findUnpinnedActions(workflow)).toEqual([expect.stringContaining('not pinned to an image digest')]);
  });

  it('uses one pin per action', () => {
    const pins = new Map<string, Set<string>>();
    for (const workflow of workflows) {
      for (const line of workflow.document.toString().split('\n')) {
        const match = /uses: ([^@\s]+)@(\S+ # \S+)/.exec(line);
        if (match) pins.set(match[1], (pins.get(match[1]) ?? new Set()).add(match[2]));
      }
    }

    expect(pins.size).toBeGreaterThan(0);
    expect([...pins].filter(([, versions]) => versions.size > 1)).toEqual([]);
  });

  it('accepts actions of this repository', () => {
    const workflow = fixture(CHECKOUT, './.github/actions/setup');

    expect(findUnpinnedActions(workflow)).toEqual([]);
  });
});

describe('workflow-wide permissions', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s grants only read', (_file, workflow) => {
    expect(findBroadWorkflowPermissions(workflow)).toEqual([]);
  });

  it('rejects missing permissions', () => {
    const workflow = fixture('permissions:\n  contents: read\n', '');

    expect(findBroadWorkflowPermissions(workflow)).toEqual([expect.stringContaining('no workflow-wide permissions')]);
  });

  it('rejects a write scope', () => {
    const workflow = fixture('permissions:\n  contents: read\n', 'permissions:\n  contents: write\n');

    expect(findBroadWorkflowPermissions(workflow)).toEqual([expect.stringContaining('contents: write')]);
  });
});

describe('id-token permission', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s grants it only for Azure', (_file, workflow) => {
    expect(findIdTokenMisuse(workflow)).toEqual([]);
  });

  it('rejects it on the whole workflow', () => {
    const workflow = fixture('permissions:\n  contents: read\n', 'permissions:\n  contents: read\n  id-token: write\n');

    expect(findIdTokenMisuse(workflow)).toEqual([expect.stringContaining('workflow-wide permissions grant id-token')]);
  });

  it('rejects it on a job without Azure login', () => {
    const workflow = fixture(
      'timeout-minutes: 10\n    steps:\n      - uses: actions/checkout',
      'timeout-minutes: 10\n    permissions:\n      id-token: write\n    steps:\n      - uses: actions/checkout',
    );

    expect(findIdTokenMisuse(workflow)).toEqual([
      'fixture.yml job test: grants id-token: write but does not log in to Azure',
    ]);
  });

  it('rejects an Azure login without it', () => {
    const workflow = fixture('      id-token: write\n', '');

    expect(findIdTokenMisuse(workflow)).toEqual([
      'fixture.yml job deploy: logs in to Azure but is not granted id-token: write',
    ]);
  });

  it('counts Terraform OIDC as a login', () => {
    const workflow = fixture(
      `      - uses: ${LOGIN}`,
      `      - run: terraform apply\n        env:\n          ARM_USE_OIDC: 'true'\n      - uses: ${CHECKOUT}`,
    );

    expect(findIdTokenMisuse(workflow)).toEqual([]);
  });
});

describe('OIDC token environment', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))(
    '%s requests tokens only in production',
    (_file, workflow) => {
      expect(findIdTokenOutsideEnvironment(workflow)).toEqual([]);
    },
  );

  it('rejects a job without environment', () => {
    const workflow = fixture('    environment: production\n', '');

    expect(findIdTokenOutsideEnvironment(workflow)).toEqual([
      'fixture.yml job deploy: can request an OIDC token but declares no environment',
    ]);
  });

  it('rejects another environment', () => {
    const workflow = fixture('    environment: production\n', '    environment: staging\n');

    expect(findIdTokenOutsideEnvironment(workflow)).toEqual([
      "fixture.yml job deploy: can request an OIDC token in environment 'staging', not production",
    ]);
  });

  it('accepts an environment with a URL', () => {
    const workflow = fixture(
      '    environment: production\n',
      '    environment:\n      name: production\n      url: https://example.test\n',
    );

    expect(findIdTokenOutsideEnvironment(workflow)).toEqual([]);
  });

  it('rejects a Terraform OIDC job without environment', () => {
    const workflow = fixture(
      `    environment: production\n    permissions:\n      contents: read\n      id-token: write\n    steps:\n      - uses: ${LOGIN}`,
      `    permissions:\n      contents: read\n    steps:\n      - run: terraform apply\n        env:\n          ARM_USE_OIDC: 'true'\n      - uses: ${CHECKOUT}`,
    );

    expect(findIdTokenOutsideEnvironment(workflow)).toEqual([
      'fixture.yml job deploy: can request an OIDC token but declares no environment',
    ]);
  });
});

describe('package installs', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))(
    '%s installs nothing beside id-token',
    (_file, workflow) => {
      expect(findInstallsWithIdToken(workflow)).toEqual([]);
    },
  );

  it.each(['npm ci --no-audit', 'npm install', 'cd functions && npm i', 'npx cdktf synth', 'yarn', 'pnpm install'])(
    'rejects %s',
    (command) => {
      const workflow = fixture(`      - uses: ${LOGIN}`, `      - run: ${command}\n      - uses: ${LOGIN}`);

      expect(findInstallsWithIdToken(workflow)).toEqual([
        expect.stringMatching(/^fixture\.yml job deploy step 1: runs '.+' in a job granted id-token: write$/),
      ]);
    },
  );

  it('rejects an install after the login', () => {
    const workflow = fixture(`      - uses: ${LOGIN}`, `      - uses: ${LOGIN}\n      - run: npm ci`);

    expect(findInstallsWithIdToken(workflow)).toEqual([expect.stringContaining('job deploy step 2')]);
  });

  it('accepts an install in a job without id-token', () => {
    const workflow = fixture(`      - uses: ${CHECKOUT}`, `      - uses: ${CHECKOUT}\n      - run: npm ci`);

    expect(findInstallsWithIdToken(workflow)).toEqual([]);
  });

  it('accepts npm run and lookalikes', () => {
    const workflow = fixture(
      `      - uses: ${LOGIN}`,
      `      - run: npm run lint && echo "npm ci-like" && ./npx-wrapper\n      - uses: ${LOGIN}`,
    );

    expect(findInstallsWithIdToken(workflow)).toEqual([]);
  });
});

describe('Function App package', () => {
  const jobs = Object.entries(deploy?.jobs ?? {});
  const deployStep = (steps: Step[] = []) =>
    steps.find((step) => step.uses?.toLowerCase().startsWith('azure/functions-action@'));
  const [appJobId, appJob] = jobs.find(([, job]) => deployStep(job.steps) !== undefined) ?? [];

  it('is deployed from the artifact', () => {
    const download = appJob?.steps?.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    const packagePath = String(deployStep(appJob?.steps)?.with?.package ?? '');

    expect(appJobId).toBe('app');
    expect(download?.with?.path).toBeDefined();
    expect(packagePath.startsWith(`${String(download?.with?.path)}/`)).toBe(true);
  });

  it('is built without id-token', () => {
    const download = appJob?.steps?.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    const builders = jobs.filter(([, job]) =>
      (job.steps ?? []).some(
        (step) => step.uses?.startsWith('actions/upload-artifact@') && step.with?.name === download?.with?.name,
      ),
    );

    expect(builders).toHaveLength(1);
    expect(mayRequestIdToken(builders[0][1])).toBe(false);
    expect(appJob?.needs).toEqual(expect.arrayContaining([builders[0][0]]));
  });
});

describe('Azure credentials', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s reads none from secrets', (_file, workflow) => {
    expect(findSecretCredentials(workflow)).toEqual([]);
  });

  it('rejects a client id from a secret', () => {
    const workflow = fixture('${{ vars.AZURE_CLIENT_ID }}', '${{ secrets.AZURE_CLIENT_ID }}');

    expect(findSecretCredentials(workflow)).toEqual([
      'fixture.yml job deploy step 1 with: client-id comes from a secret',
    ]);
  });

  it('rejects the creds input', () => {
    const workflow = fixture('client-id: ${{ vars.AZURE_CLIENT_ID }}', 'creds: ${{ vars.AZURE_CREDENTIALS }}');

    expect(findSecretCredentials(workflow)).toEqual([expect.stringContaining('JSON credential (creds)')]);
  });

  it('rejects an ARM variable from a secret', () => {
    const workflow = fixture(
      '    environment: production\n',
      '    environment: production\n    env:\n      ARM_CLIENT_SECRET: ${{ secrets.SP }}\n',
    );

    expect(findSecretCredentials(workflow)).toEqual([
      'fixture.yml job deploy env: ARM_CLIENT_SECRET comes from a secret',
    ]);
  });

  it('rejects az login with a secret', () => {
    const workflow = fixture(
      `      - uses: ${LOGIN}`,
      `      - run: az login --service-principal -p "\${{ secrets.SP }}"\n      - uses: ${LOGIN}`,
    );

    expect(findSecretCredentials(workflow)).toEqual([expect.stringContaining('with a secret in a run script')]);
  });

  it('rejects secrets inherit', () => {
    const workflow = fixture('    needs: test\n', '    needs: test\n    secrets: inherit\n');

    expect(findSecretCredentials(workflow)).toEqual([expect.stringContaining('secrets: inherit')]);
  });
});

describe('job timeouts', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s sets one on every job', (_file, workflow) => {
    expect(findJobsWithoutTimeout(workflow)).toEqual([]);
  });

  it('rejects a job without one', () => {
    const workflow = fixture(
      '    needs: test\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n',
      '    needs: test\n    runs-on: ubuntu-latest\n',
    );

    expect(findJobsWithoutTimeout(workflow)).toEqual(['fixture.yml job deploy: has no timeout-minutes']);
  });

  it('rejects a call to another repository', () => {
    const workflow = fixture(
      `  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: ${CHECKOUT}\n`,
      '  test:\n    uses: octo/ci/.github/workflows/ci.yml@3d3c42e5aac5ba805825da76410c181273ba90b1 # v1.0.0\n',
    );

    expect(findJobsWithoutTimeout(workflow)).toEqual([expect.stringContaining('cannot be checked here')]);
  });
});

describe('deploy gate', () => {
  it('finds the deploy jobs', () => {
    const deployJobs = Object.entries(deploy?.jobs ?? {}).filter(([, job]) => isDeployJob(job));

    expect(deployJobs.map(([jobId]) => jobId)).toEqual(['infra', 'app', 'smoke']);
  });

  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s deploys after tests', (_file, workflow) => {
    expect(findDeploysWithoutTests(workflow)).toEqual([]);
  });

  it('rejects a deploy without needs', () => {
    const workflow = fixture('    needs: test\n', '');

    expect(findDeploysWithoutTests(workflow)).toEqual([
      "fixture.yml job deploy: deploys without needing the 'test' job",
    ]);
  });

  it('rejects a workflow without test job', () => {
    const workflow = fixture('  test:\n', '  build:\n');

    expect(findDeploysWithoutTests(workflow)).toEqual(["fixture.yml: deploys but has no 'test' job"]);
  });
});

describe('deploy concurrency', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s never cancels a deploy', (_file, workflow) => {
    expect(findCancellableDeploys(workflow)).toEqual([]);
  });

  it('rejects cancel-in-progress true', () => {
    const workflow = fixture('cancel-in-progress: false', 'cancel-in-progress: true');

    expect(findCancellableDeploys(workflow)).toEqual([expect.stringContaining('cancel-in-progress: false')]);
  });

  it('rejects an expression', () => {
    const workflow = fixture('cancel-in-progress: false', "cancel-in-progress: ${{ github.event_name == 'push' }}");

    expect(findCancellableDeploys(workflow)).toHaveLength(1);
  });

  it('rejects a deploy without group', () => {
    const workflow = fixture('concurrency:\n  group: deploy\n  cancel-in-progress: false\n', '');

    expect(findCancellableDeploys(workflow)).toEqual([expect.stringContaining('job deploy: deploys without')]);
  });
});

describe('run scripts', () => {
  it.each(workflows.map((workflow) => [workflow.file, workflow]))('%s passes values through env', (_file, workflow) => {
    expect(findExpressionsInRun(workflow)).toEqual([]);
  });

  it('rejects an expression in a script', () => {
    const workflow = fixture(
      `      - uses: ${CHECKOUT}`,
      `      - uses: ${CHECKOUT}\n      - run: echo "\${{ github.head_ref }}"`,
    );

    expect(findExpressionsInRun(workflow)).toEqual([expect.stringContaining('job test step 2: run script contains')]);
  });
});
