import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Testing } from 'cdktf';
import { EnvironmentConfig } from '../../../infra/config/environment-config';
import { StateBackendSettings } from '../../../infra/config/state-backend';
import { FanOutStack } from '../../../infra/fan-out-stack';

/** Attributes of one resource or output as they appear in the synthesized Terraform JSON. */
export type Attributes = Record<string, unknown>;

/** The parts of a synthesized `cdk.tf.json` that the infra tests read. */
export interface TerraformJson {
  readonly terraform: {
    backend: Record<string, Attributes>;
    required_providers: Record<string, Attributes>;
  } & Attributes;
  readonly provider: Record<string, Attributes[]>;
  readonly resource: Record<string, Record<string, Attributes>>;
  readonly output: Record<string, { value: unknown; sensitive?: boolean }>;
}

export interface SynthesizedStack {
  readonly text: string;
  readonly json: TerraformJson;
}

/**
 * Runs `use` with a testing app whose output folder is removed afterwards. `Testing.app()` alone leaves an empty
 * folder in the system temporary directory on every call.
 */
export function withTestingApp<T>(use: (app: App) => T): T {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'fan-out-infra-test-'));
  try {
    return use(Testing.app({ outdir }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the stack of one environment the way the tests see it (metadata removed, keys sorted). */
export function synthesizeEnvironment(
  environment: EnvironmentConfig,
  stateBackend?: StateBackendSettings,
): SynthesizedStack {
  const text = withTestingApp((app) =>
    Testing.synth(new FanOutStack(app, environment.name, { environment, stateBackend }), true),
  );

  return { text, json: JSON.parse(text) as TerraformJson };
}

/** Returns every resource of `type` as attribute objects. */
export function resourcesOfType(json: TerraformJson, type: string): Attributes[] {
  return Object.values(json.resource[type] ?? {});
}

/** Returns the one resource of `type` that matches `predicate`, and throws when there is none or more than one. */
export function onlyResource(
  json: TerraformJson,
  type: string,
  predicate: (attributes: Attributes) => boolean = () => true,
): Attributes {
  const matches = resourcesOfType(json, type).filter(predicate);
  if (matches.length !== 1) {
    throw new Error(`expected exactly one ${type} to match, found ${matches.length}`);
  }
  return matches[0];
}

const REFERENCE = /^\$\{([a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_[\]0-9.]+)\}$/;

/** A Terraform reference such as `${azurerm_storage_account.data_ABC.id}`, looked up in the stack. */
export interface ResolvedReference {
  readonly type: string;
  readonly attribute: string;
  readonly resource: Attributes;
}

/** Looks up the resource that a whole-string Terraform reference points to, and throws on anything else. */
export function resolveReference(json: TerraformJson, expression: unknown): ResolvedReference {
  const match = typeof expression === 'string' ? REFERENCE.exec(expression) : null;
  if (match === null) {
    throw new Error(`not a Terraform reference: ${JSON.stringify(expression)}`);
  }
  const [, type, logicalId, attribute] = match;
  const resource = json.resource[type]?.[logicalId];
  if (resource === undefined) {
    throw new Error(`reference to a resource that is not in the stack: ${expression}`);
  }
  return { type, attribute, resource };
}

/**
 * Returns `value` when it is a plain string, or the `name` of the resource it refers to when it is a reference to a
 * name.
 */
export function literalName(json: TerraformJson, value: unknown): string {
  if (typeof value === 'string' && !value.includes('${')) {
    return value;
  }
  const reference = resolveReference(json, value);
  if (reference.attribute !== 'name') {
    throw new Error(`expected a reference to a name, got ${JSON.stringify(value)}`);
  }
  return String(reference.resource.name);
}

/**
 * Names the resource a reference points to in words a policy can state, such as `storage account fanoutdevdata` or
 * `queue fanoutdevdata/blob-created`. Child resources name their parent account.
 */
export function describeReference(json: TerraformJson, expression: unknown): string {
  const { type, resource } = resolveReference(json, expression);
  const accountName = () => String(resolveReference(json, resource.storage_account_id).resource.name);
  const kinds: Record<string, () => string> = {
    azurerm_storage_account: () => `storage account ${resource.name}`,
    azurerm_storage_container: () => `container ${accountName()}/${resource.name}`,
    azurerm_storage_queue: () => `queue ${accountName()}/${resource.name}`,
    azurerm_application_insights: () => `application insights ${resource.name}`,
    azurerm_user_assigned_identity: () => `identity ${resource.name}`,
    azurerm_eventgrid_system_topic: () => `system topic ${resource.name}`,
  };
  const describe = kinds[type];
  if (describe === undefined) {
    throw new Error(`no description for resources of type ${type}`);
  }
  return describe();
}
