import { ENVIRONMENTS } from '../../infra/environments';
import {
  Attributes,
  describeReference,
  onlyResource,
  resourcesOfType,
  synthesizeEnvironment,
} from './support/synthesized-stack';

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
  'work blob expiry of %s',
  (_name, environment) => {
    const { json } = synthesizeEnvironment(environment);
    const dataAccountName = `${environment.namePrefix}${environment.name}data`;

    it('declares one lifecycle policy', () => {
      expect(resourcesOfType(json, 'azurerm_storage_management_policy')).toHaveLength(1);
    });

    const policy = () => onlyResource(json, 'azurerm_storage_management_policy');
    const rules = () => policy().rule as LifecycleRule[];

    it('policy is on the data storage account', () => {
      expect(describeReference(json, policy().storage_account_id)).toBe(`storage account ${dataAccountName}`);
    });

    it('policy has one enabled rule', () => {
      expect(rules()).toHaveLength(1);
      expect(rules()[0].enabled).toBe(true);
    });

    it('rule matches only the work container', () => {
      expect(rules()[0].filters.prefix_match).toEqual(['work/']);
    });

    it('rule matches block blobs', () => {
      expect(rules()[0].filters.blob_types).toEqual(['blockBlob']);
    });

    it('rule deletes blobs after workRetentionDays', () => {
      expect(rules()[0].actions.base_blob).toEqual({
        delete_after_days_since_modification_greater_than: environment.workRetentionDays,
      });
    });

    it('rule has only a base blob action', () => {
      expect(Object.keys(rules()[0].actions)).toEqual(['base_blob']);
    });
  },
);

it('shipped retention is 7 days dev, 30 prod', () => {
  const days = Object.fromEntries(ENVIRONMENTS.map((environment) => [environment.name, environment.workRetentionDays]));
  expect(days).toEqual({ dev: 7, prod: 30 });
});
