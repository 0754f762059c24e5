import { DEPLOYMENT_CONTAINER } from '../../infra/app-contract';
import { ENVIRONMENTS } from '../../infra/environments';
import { Attributes, onlyResource, resolveReference, synthesizeEnvironment } from './support/synthesized-stack';

/**
 * Settings that Flex Consumption owns or no longer supports, so the platform rejects or ignores them
 * (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
 */
const SETTINGS_FLEX_REJECTS = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTSHARE',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'ENABLE_ORYX_BUILD',
  'APPINSIGHTS_INSTRUMENTATIONKEY',
  'WEBSITE_TIME_ZONE',
];

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
  'function app of %s',
  (_name, environment) => {
    const { json } = synthesizeEnvironment(environment);
    const app = onlyResource(json, 'azurerm_function_app_flex_consumption');
    const appSettings = app.app_settings as Record<string, string>;
    const identity = onlyResource(json, 'azurerm_user_assigned_identity');

    it('runs Node.js 22 on a Linux FC1 plan', () => {
      const plan = resolveReference(json, app.service_plan_id).resource;
      expect(app.runtime_name).toBe('node');
      expect(app.runtime_version).toBe('22');
      expect(plan.sku_name).toBe('FC1');
      expect(plan.os_type).toBe('Linux');
    });

    it('scales within the limits of the environment', () => {
      expect(app.instance_memory_in_mb).toBe(environment.instanceMemoryMb);
      expect(app.maximum_instance_count).toBe(environment.maximumInstanceCount);
    });

    it('keeps always-ready instances for durable only', () => {
      const expected =
        environment.alwaysReadyInstances > 0
          ? [{ name: 'durable', instance_count: environment.alwaysReadyInstances }]
          : undefined;
      expect(app.always_ready).toEqual(expected);
    });

    it('reads its package from the host account with the user-assigned identity', () => {
      const hostAccount = onlyResource(json, 'azurerm_storage_account', (account) =>
        String(account.name).endsWith('host'),
      );
      const [blobEndpoint] = String(app.storage_container_endpoint).split('}');

      expect(app.storage_container_type).toBe('blobContainer');
      expect(resolveReference(json, `${blobEndpoint}}`).resource).toBe(hostAccount);
      expect(app.storage_container_endpoint).toMatch(new RegExp(`\\.primary_blob_endpoint\\}${DEPLOYMENT_CONTAINER}$`));
      expect(app.storage_authentication_type).toBe('UserAssignedIdentity');
      expect(resolveReference(json, app.storage_user_assigned_identity_id).resource).toBe(identity);
    });

    it('runs as the user-assigned identity only', () => {
      const appIdentity = app.identity as Attributes;
      const [identityId] = appIdentity.identity_ids as string[];

      expect(appIdentity.type).toBe('UserAssigned');
      expect(resolveReference(json, identityId).resource).toBe(identity);
    });

    it('connects to both storage accounts with the identity client id', () => {
      for (const connection of ['AzureWebJobsStorage', 'DataStorage']) {
        const clientId = resolveReference(json, appSettings[`${connection}__clientId`]);

        expect(appSettings[`${connection}__credential`]).toBe('managedidentity');
        expect(clientId.resource).toBe(identity);
        expect(clientId.attribute).toBe('client_id');
      }
    });

    it('sends telemetry authenticated with the identity', () => {
      expect(appSettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
        `ClientId=${appSettings['AzureWebJobsStorage__clientId']};Authorization=AAD`,
      );
      expect((app.site_config as Attributes).application_insights_connection_string).toMatch(
        /^\$\{azurerm_application_insights\.[^.]+\.connection_string\}$/,
      );
    });

    it('overrides the connection string the provider injects with an empty value', () => {
      expect(appSettings.AzureWebJobsStorage).toBe('');
    });

    it('sets no app setting that Flex Consumption rejects', () => {
      for (const name of SETTINGS_FLEX_REJECTS) {
        expect(Object.keys(appSettings)).not.toContain(name);
      }
    });

    it('sets no site property that the FC1 plan rejects', () => {
      const siteConfig = app.site_config as Attributes;
      for (const name of ['use_32_bit_worker', 'runtime_scale_monitoring_enabled', 'elastic_instance_minimum']) {
        expect(siteConfig[name]).toBeUndefined();
      }
    });
  },
);
