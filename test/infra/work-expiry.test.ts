import fs from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../infra/environments';
import { SMOKE_BATCH_PREFIX } from '../../infra/fan-out-stack';
import {
  Attributes,
  describeReference,
  onlyResource,
  resourcesOfType,
  synthesizeEnvironment,
} from './support/synthesized-stack';

const root = path.resolve(__dirname, '../..');

/** The parts of an `azurerm_storage_management_policy` rule that the checks read. */
interface LifecycleRule {
  name: string;
  enabled: boolean;
  filters: { blob_types: string[]; prefix_match: string[] };
  actions: {
    base_blob?: Attributes;
    snapshot?: Attributes;
    version?: Attributes;
  };
}

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
  'blob expiry of %s',
  (_name, environment) => {
    const { json } = synthesizeEnvironment(environment);
    const dataAccountName = `${environment.namePrefix}${environment.name}data`;

    it('declares one lifecycle policy', () => {
      expect(resourcesOfType(json, 'azurerm_storage_management_policy')).toHaveLength(1);
    });

    const policy = () => onlyResource(json, 'azurerm_storage_management_policy');
    const rules = () => policy().rule as LifecycleRule[];
    const rule = (name: string) => {
      const found = rules().find((candidate) => candidate.name === name);
      if (!found) throw new Error(`missing lifecycle rule ${name}`);
      return found;
    };

    it('policy is on the data storage account', () => {
      expect(describeReference(json, policy().storage_account_id)).toBe(`storage account ${dataAccountName}`);
    });

    it('policy has three enabled rules', () => {
      expect(rules().map((candidate) => candidate.name)).toEqual([
        'delete-old-work-blobs',
        'delete-old-smoke-batches',
        'delete-old-dead-letters',
      ]);
      expect(rules().every((candidate) => candidate.enabled)).toBe(true);
    });

    it('work rule matches only the work container', () => {
      expect(rule('delete-old-work-blobs').filters.prefix_match).toEqual(['work/']);
    });

    it('smoke rule matches only smoke batches', () => {
      expect(rule('delete-old-smoke-batches').filters.prefix_match).toEqual(['input/smoke-', 'results/smoke-']);
    });

    it('dead-letter rule matches only its container', () => {
      expect(rule('delete-old-dead-letters').filters.prefix_match).toEqual(['event-dead-letter/']);
    });

    it('no rule matches a whole input or results container', () => {
      const prefixes = rules().flatMap((candidate) => candidate.filters.prefix_match);
      expect(prefixes.filter((prefix) => /^(input|results)\/?$/.test(prefix))).toEqual([]);
    });

    it('work and smoke rules match block blobs', () => {
      expect(rule('delete-old-work-blobs').filters.blob_types).toEqual(['blockBlob']);
      expect(rule('delete-old-smoke-batches').filters.blob_types).toEqual(['blockBlob']);
    });

    it('dead-letter rule matches block and append blobs', () => {
      expect(rule('delete-old-dead-letters').filters.blob_types).toEqual(['blockBlob', 'appendBlob']);
    });

    it('rules delete blobs after workRetentionDays', () => {
      for (const candidate of rules()) {
        expect(candidate.actions.base_blob).toEqual({
          delete_after_days_since_modification_greater_than: environment.workRetentionDays,
        });
      }
    });

    it('rules have only a base blob action', () => {
      for (const candidate of rules()) {
        expect(Object.keys(candidate.actions)).toEqual(['base_blob']);
      }
    });
  },
);

it('smoke batch ids start with the expiring prefix', () => {
  const script = fs.readFileSync(path.join(root, 'scripts', 'smoke', 'smoke.sh'), 'utf8');
  const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'deploy.yml'), 'utf8');
  const defaultId = /^BATCH_ID="\$\{BATCH_ID:-([^"$]*)/m.exec(script)?.[1];
  const deployIds = [...workflow.matchAll(/^\s*BATCH_ID: ([^$\s]+)/gm)].map((match) => match[1]);
  expect(defaultId).toBe(SMOKE_BATCH_PREFIX);
  expect(deployIds.length).toBeGreaterThan(0);
  expect(deployIds.filter((id) => !id.startsWith(SMOKE_BATCH_PREFIX))).toEqual([]);
});

it('shipped retention is 7 days dev, 30 prod', () => {
  const days = Object.fromEntries(ENVIRONMENTS.map((environment) => [environment.name, environment.workRetentionDays]));
  expect(days).toEqual({ dev: 7, prod: 30 });
});
