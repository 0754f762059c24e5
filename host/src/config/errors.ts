/** Invalid or missing host configuration: host.json, local.settings.json, app settings or command-line options. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}
