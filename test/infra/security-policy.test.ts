import { ENVIRONMENTS } from '../../infra/environments';
import { Attributes, onlyResource, resourcesOfType, synthesizeEnvironment } from './support/synthesized-stack';

/** References that would put a storage account key or a key-based connection string into the configuration. */
const STORAGE_SECRET_REFERENCE =
  /azurerm_storage_account\.[^.]+\.(primary|secondary)_(access_key|connection_string|blob_connection_string)/;

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
  'security policy of %s',
  (_name, environment) => {
    const { text, json } = synthesizeEnvironment(environment);
    const storageAccounts = resourcesOfType(json, 'azurerm_storage_account');
    const functionApp = onlyResource(json, 'azurerm_function_app_flex_consumption');
    const appSettings = functionApp.app_settings as Record<string, string>;

    it('creates both storage accounts', () => {
      expect(storageAccounts).toHaveLength(2);
    });

    it.each(storageAccounts.map((account) => [account.name, account]))(
      'storage account %s disables shared keys',
      (_account, account) => {
        expect(account.shared_access_key_enabled).toBe(false);
      },
    );

    it.each(storageAccounts.map((account) => [account.name, account]))(
      'storage account %s requires TLS 1.2 over HTTPS',
      (_account, account) => {
        expect(account.min_tls_version).toBe('TLS1_2');
        expect(account.https_traffic_only_enabled).toBe(true);
      },
    );

    it.each(storageAccounts.map((account) => [account.name, account]))(
      'storage account %s allows no public blob access',
      (_account, account) => {
        expect(account.allow_nested_items_to_be_public).toBe(false);
      },
    );

    it.each(storageAccounts.map((account) => [account.name, account]))(
      'storage account %s defaults to Entra ID and has no local users',
      (_account, account) => {
        expect(account.default_to_oauth_authentication).toBe(true);
        expect(account.local_user_enabled).toBe(false);
        expect(account.sftp_enabled).toBe(false);
      },
    );

    it.each(storageAccounts.map((account) => [account.name, account]))(
      'storage account %s soft-deletes blobs and containers',
      (_account, account) => {
        const blobProperties = account.blob_properties as Record<string, { days: number }>;
        expect(blobProperties.delete_retention_policy.days).toBeGreaterThan(0);
        expect(blobProperties.container_delete_retention_policy.days).toBeGreaterThan(0);
      },
    );

    it('containers are private and made through the management plane', () => {
      for (const container of resourcesOfType(json, 'azurerm_storage_container')) {
        expect(container.container_access_type).toBe('private');
        expect(container.storage_account_id).toMatch(/^\$\{azurerm_storage_account\.[^.]+\.id\}$/);
        expect(container.storage_account_name).toBeUndefined();
      }
    });

    it('queues are made through the management plane', () => {
      for (const queue of resourcesOfType(json, 'azurerm_storage_queue')) {
        expect(queue.storage_account_id).toMatch(/^\$\{azurerm_storage_account\.[^.]+\.id\}$/);
        expect(queue.storage_account_name).toBeUndefined();
      }
    });

    it('function app accepts HTTPS only', () => {
      expect(functionApp.https_only).toBe(true);
    });

    it('function app has basic publishing credentials off', () => {
      expect(functionApp.webdeploy_publish_basic_authentication_enabled).toBe(false);
    });

    it('function app requires TLS 1.2 and has remote debugging off', () => {
      const siteConfig = functionApp.site_config as Attributes;
      expect(siteConfig.minimum_tls_version).toBe('1.2');
      expect(siteConfig.scm_minimum_tls_version).toBe('1.2');
      expect(siteConfig.remote_debugging_enabled).toBe(false);
    });

    it('application insights has local authentication off', () => {
      expect(onlyResource(json, 'azurerm_application_insights').local_authentication_disabled).toBe(true);
    });

    it('application insights is workspace-based', () => {
      expect(onlyResource(json, 'azurerm_application_insights').workspace_id).toMatch(
        /^\$\{azurerm_log_analytics_workspace\.[^.]+\.id\}$/,
      );
    });

    it('no app setting holds an account key', () => {
      for (const value of Object.values(appSettings)) {
        expect(value).not.toMatch(/AccountKey/i);
        expect(value).not.toMatch(STORAGE_SECRET_REFERENCE);
      }
    });

    it('no output holds an account key or any secret', () => {
      for (const [name, output] of Object.entries(json.output)) {
        const value = JSON.stringify(output.value);
        expect(`${name}: ${value}`).not.toMatch(/AccountKey|access_key|connection_string/i);
        expect(output.sensitive).toBeUndefined();
      }
    });

    it('nothing in the stack reads a storage key', () => {
      expect(text).not.toMatch(STORAGE_SECRET_REFERENCE);
      expect(text).not.toMatch(/AccountKey/i);
      expect(functionApp.storage_access_key).toBeUndefined();
    });

    it('provider reaches Azure and storage with Entra ID only', () => {
      const [provider] = json.provider.azurerm;
      expect(provider.use_oidc).toBe(true);
      expect(provider.storage_use_azuread).toBe(true);
    });
  },
);
