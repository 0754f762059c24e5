import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isScalar, parseDocument } from 'yaml';

export const WORKFLOW_DIR = join(__dirname, '..', '..', '..', '.github', 'workflows');

export type Permissions = 'read-all' | 'write-all' | Record<string, string> | undefined;

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Permissions;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  'timeout-minutes'?: number | string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  secrets?: 'inherit' | Record<string, unknown>;
  steps?: Step[];
}

/** A parsed workflow file: the plain object for the rules, the YAML document for comments. */
export interface Workflow {
  file: string;
  document: Document;
  permissions?: Permissions;
  concurrency?: Job['concurrency'];
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export function parseWorkflow(text: string, file: string): Workflow {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new Error(`${file} is not valid YAML: ${document.errors[0].message}`);
  }
  const value = document.toJS() as Omit<Workflow, 'file' | 'document'>;
  if (typeof value?.jobs !== 'object' || value.jobs === null) {
    throw new Error(`${file} has no jobs map`);
  }
  return { ...value, file, document };
}

/** Reads and parses every workflow of the repository, in file name order. */
export function readWorkflows(): Workflow[] {
  return readdirSync(WORKFLOW_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => parseWorkflow(readFileSync(join(WORKFLOW_DIR, name), 'utf8'), name));
}

/** Returns the trailing comment of a job's or step's `uses:` value, such as ` v7.0.1`, or undefined. */
export function usesComment(workflow: Workflow, path: (string | number)[]): string | undefined {
  const node = workflow.document.getIn([...path, 'uses'], true);
  return isScalar(node) ? (node.comment ?? undefined) : undefined;
}

export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}
