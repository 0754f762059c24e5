import { Job, needsOf, Permissions, Step, Workflow, usesComment } from './workflow';

/**
 * Security rules for the GitHub Actions workflows. Each rule returns one message per violation, naming the file and
 * job, so an empty list means the workflow passes.
 */

const FULL_SHA = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^\s*v\d+\.\d+\.\d+\s*$/;
const SECRETS_REFERENCE = /\bsecrets\s*(\.|\[)/;
const AZURE_LOGIN = /^azure\/login@/i;

/** Inputs and variables that carry an Azure identity or a credential. */
const CREDENTIAL_NAME = /client|tenant|subscription|creds|credential|password|secret|certificate|publish-profile/i;
const AZURE_VARIABLE = /^(ARM|AZURE)_/;

function jobEntries(workflow: Workflow): [string, Job][] {
  return Object.entries(workflow.jobs);
}

function grantsIdToken(permissions: Permissions): boolean {
  if (permissions === 'write-all') return true;
  return typeof permissions === 'object' && permissions['id-token'] === 'write';
}

/** Returns whether a job logs in to Azure, with azure/login or through Terraform's own OIDC exchange (ARM_USE_OIDC). */
export function logsInToAzure(job: Job): boolean {
  const steps = job.steps ?? [];
  if (steps.some((step) => step.uses !== undefined && AZURE_LOGIN.test(step.uses))) return true;
  const envs = [job.env, ...steps.map((step) => step.env)];
  return envs.some((env) => String(env?.ARM_USE_OIDC ?? '').toLowerCase() === 'true');
}

/** Returns the name of the GitHub environment a job targets, or undefined. */
export function environmentName(job: Job): string | undefined {
  return typeof job.environment === 'object' ? job.environment.name : job.environment;
}

/** Returns whether a job is granted `id-token: write`, which lets each of its steps request a GitHub OIDC token. */
export function mayRequestIdToken(job: Job): boolean {
  return grantsIdToken(job.permissions);
}

/** Returns whether a job deploys: it logs in to Azure or targets a GitHub environment. */
export function isDeployJob(job: Job): boolean {
  return logsInToAzure(job) || job.environment !== undefined;
}

/** Lists each `uses:` outside this repository that is not pinned to a full commit SHA with a `# vX.Y.Z` comment. */
export function findUnpinnedActions(workflow: Workflow): string[] {
  const violations: string[] = [];

  const check = (where: string, uses: string, path: (string | number)[]) => {
    // A local action or reusable workflow is read from the same commit as the workflow itself.
    if (uses.startsWith('./')) return;
    if (uses.startsWith('docker://')) {
      if (!uses.includes('@sha256:')) violations.push(`${where}: ${uses} is not pinned to an image digest`);
      return;
    }
    if (!FULL_SHA.test(uses)) {
      violations.push(`${where}: ${uses} is not pinned to a 40-character commit SHA`);
      return;
    }
    const comment = usesComment(workflow, path);
    if (comment === undefined || !VERSION_COMMENT.test(comment)) {
      violations.push(`${where}: ${uses} has no '# vX.Y.Z' comment naming the pinned release`);
    }
  };

  for (const [jobId, job] of jobEntries(workflow)) {
    if (job.uses !== undefined) check(`${workflow.file} job ${jobId}`, job.uses, ['jobs', jobId]);
    (job.steps ?? []).forEach((step, index) => {
      if (step.uses !== undefined) {
        check(`${workflow.file} job ${jobId} step ${index + 1}`, step.uses, ['jobs', jobId, 'steps', index]);
      }
    });
  }
  return violations;
}

/** Lists missing or writable workflow-wide permissions: each job must request the write scopes it needs itself. */
export function findBroadWorkflowPermissions(workflow: Workflow): string[] {
  const permissions = workflow.permissions;
  if (permissions === undefined) {
    return [`${workflow.file}: no workflow-wide permissions, so jobs get the repository's default token scopes`];
  }
  if (permissions === 'write-all') {
    return [`${workflow.file}: the workflow-wide permissions are write-all`];
  }
  if (permissions === 'read-all') return [];
  return Object.entries(permissions)
    .filter(([, access]) => access !== 'read' && access !== 'none')
    .map(([scope, access]) => `${workflow.file}: the workflow-wide permissions grant ${scope}: ${access}`);
}

/** Lists grants of `id-token: write` to the whole workflow or to a job that does not log in to Azure, and logins without it. */
export function findIdTokenMisuse(workflow: Workflow): string[] {
  const violations: string[] = [];
  if (grantsIdToken(workflow.permissions)) {
    violations.push(`${workflow.file}: the workflow-wide permissions grant id-token: write to every job`);
  }

  for (const [jobId, job] of jobEntries(workflow)) {
    const grants = grantsIdToken(job.permissions);
    const logsIn = logsInToAzure(job);
    if (grants && !logsIn) {
      violations.push(`${workflow.file} job ${jobId}: grants id-token: write but does not log in to Azure`);
    }
    if (logsIn && !grants) {
      violations.push(`${workflow.file} job ${jobId}: logs in to Azure but is not granted id-token: write`);
    }
  }
  return violations;
}

function secretsFeedingCredentials(where: string, values: Record<string, unknown> | undefined): string[] {
  return Object.entries(values ?? {})
    .filter(([name]) => CREDENTIAL_NAME.test(name) || AZURE_VARIABLE.test(name))
    .filter(([, value]) => SECRETS_REFERENCE.test(String(value)))
    .map(([name]) => `${where}: ${name} comes from a secret`);
}

function stepCredentialViolations(where: string, step: Step): string[] {
  const violations = [
    ...secretsFeedingCredentials(`${where} with`, step.with),
    ...secretsFeedingCredentials(`${where} env`, step.env),
  ];
  if (step.uses !== undefined && AZURE_LOGIN.test(step.uses) && step.with?.creds !== undefined) {
    violations.push(`${where}: azure/login takes a JSON credential (creds) instead of OIDC`);
  }
  const run = step.run ?? '';
  if (SECRETS_REFERENCE.test(run) && /\baz\s+login\b|Connect-AzAccount/.test(run)) {
    violations.push(`${where}: logs in to Azure with a secret in a run script`);
  }
  return violations;
}

/** Lists Azure ids and credentials that come from `secrets.`: ids must come from variables, and tokens from OIDC. */
export function findSecretCredentials(workflow: Workflow): string[] {
  const violations = secretsFeedingCredentials(`${workflow.file} env`, workflow.env);

  for (const [jobId, job] of jobEntries(workflow)) {
    const where = `${workflow.file} job ${jobId}`;
    violations.push(...secretsFeedingCredentials(`${where} env`, job.env));
    violations.push(...secretsFeedingCredentials(`${where} with`, job.with));
    if (job.secrets === 'inherit') {
      violations.push(`${where}: passes every secret to a reusable workflow (secrets: inherit)`);
    } else if (job.secrets !== undefined) {
      violations.push(...secretsFeedingCredentials(`${where} secrets`, job.secrets));
    }
    (job.steps ?? []).forEach((step, index) => {
      violations.push(...stepCredentialViolations(`${where} step ${index + 1}`, step));
    });
  }
  return violations;
}

/**
 * Lists jobs without `timeout-minutes`. A job that calls a reusable workflow cannot set one (GitHub rejects the key
 * there), so a call passes only when it calls a workflow of this repository, whose jobs are checked in their own file.
 */
export function findJobsWithoutTimeout(workflow: Workflow): string[] {
  const violations: string[] = [];
  for (const [jobId, job] of jobEntries(workflow)) {
    if (job.uses !== undefined) {
      if (!job.uses.startsWith('./')) {
        violations.push(`${workflow.file} job ${jobId}: calls ${job.uses}, whose job timeouts cannot be checked here`);
      }
      continue;
    }
    if (job['timeout-minutes'] === undefined) {
      violations.push(`${workflow.file} job ${jobId}: has no timeout-minutes`);
    }
  }
  return violations;
}

function transitiveNeeds(workflow: Workflow, jobId: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(workflow.jobs[jobId] ?? {})) {
    if (!seen.has(need)) {
      seen.add(need);
      transitiveNeeds(workflow, need, seen);
    }
  }
  return seen;
}

/** Lists deploy jobs that do not need the test job, directly or through the jobs they need. */
export function findDeploysWithoutTests(workflow: Workflow, testJobId = 'test'): string[] {
  const deployJobs = jobEntries(workflow).filter(([, job]) => isDeployJob(job));
  if (deployJobs.length > 0 && workflow.jobs[testJobId] === undefined) {
    return [`${workflow.file}: deploys but has no '${testJobId}' job`];
  }
  return deployJobs
    .filter(([jobId]) => !transitiveNeeds(workflow, jobId).has(testJobId))
    .map(([jobId]) => `${workflow.file} job ${jobId}: deploys without needing the '${testJobId}' job`);
}

/** Only an explicit `cancel-in-progress: false` counts: an expression could evaluate to true for some event. */
function neverCancels(concurrency: Job['concurrency']): boolean {
  return typeof concurrency === 'object' && concurrency['cancel-in-progress'] === false;
}

/**
 * Lists deploys that could overlap or be cancelled midway. A workflow that deploys needs a concurrency group with
 * `cancel-in-progress: false`, for the whole workflow or for every deploy job.
 */
export function findCancellableDeploys(workflow: Workflow): string[] {
  const deployJobs = jobEntries(workflow).filter(([, job]) => isDeployJob(job));
  if (deployJobs.length === 0) return [];
  if (workflow.concurrency !== undefined) {
    return neverCancels(workflow.concurrency)
      ? []
      : [`${workflow.file}: the concurrency group does not set cancel-in-progress: false`];
  }
  return deployJobs
    .filter(([, job]) => !neverCancels(job.concurrency))
    .map(([jobId]) => `${workflow.file} job ${jobId}: deploys without a concurrency group that never cancels`);
}

/**
 * Lists `run:` scripts that contain `${{ }}` expressions. GitHub pastes an expression's value into the script before
 * the shell parses it, so a branch name or a job output could inject commands. Values go through `env:` instead.
 */
export function findExpressionsInRun(workflow: Workflow): string[] {
  const violations: string[] = [];
  for (const [jobId, job] of jobEntries(workflow)) {
    (job.steps ?? []).forEach((step, index) => {
      if (step.run?.includes('${{')) {
        violations.push(`${workflow.file} job ${jobId} step ${index + 1}: run script contains a \${{ }} expression`);
      }
    });
  }
  return violations;
}

/**
 * Lists jobs that can request an OIDC token or log in to Azure outside the given environments. Such a job's token
 * subject names its environment, so the deploy identity trusts no subject that skips the environment's protection.
 */
export function findIdTokenOutsideEnvironment(
  workflow: Workflow,
  environments: readonly string[] = ['production'],
): string[] {
  const violations: string[] = [];
  for (const [jobId, job] of jobEntries(workflow)) {
    if (!grantsIdToken(job.permissions) && !logsInToAzure(job)) continue;
    const name = environmentName(job);
    if (name === undefined) {
      violations.push(`${workflow.file} job ${jobId}: can request an OIDC token but declares no environment`);
    } else if (!environments.includes(name)) {
      violations.push(
        `${workflow.file} job ${jobId}: can request an OIDC token in environment '${name}', not ${environments.join(' or ')}`,
      );
    }
  }
  return violations;
}

/** Commands that install packages, and with them run the install scripts of every package they fetch. */
const PACKAGE_INSTALL =
  /(^|[\s;&|(])(npm\s+(ci|install|i|add|exec|x)|npx|yarn|pnpm\s+(install|i|add|dlx)|pnpx|pip3?\s+install)(?=\s|$)/m;

/**
 * Lists package installs in jobs granted `id-token: write`, where any dependency's install script could request the
 * token that Azure exchanges for the deploy identity's. Such a job deploys an artifact that a job without it built.
 */
export function findInstallsWithIdToken(workflow: Workflow): string[] {
  const violations: string[] = [];
  for (const [jobId, job] of jobEntries(workflow)) {
    if (!grantsIdToken(job.permissions)) continue;
    (job.steps ?? []).forEach((step, index) => {
      const match = PACKAGE_INSTALL.exec(step.run ?? '');
      if (match) {
        violations.push(
          `${workflow.file} job ${jobId} step ${index + 1}: runs '${match[2]}' in a job granted id-token: write`,
        );
      }
    });
  }
  return violations;
}
