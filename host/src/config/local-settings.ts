import fs from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from './errors';

/** App settings by name, as the Functions host exposes them to the app through environment variables. */
export type AppSettings = Record<string, string>;

/**
 * Reads `Values` of `local.settings.json` in the app folder; a missing file yields no settings.
 * Non-string values are converted to strings, as Core Tools does when it sets them as environment variables.
 */
export function readLocalSettings(appDir: string): AppSettings {
  const file = path.join(appDir, 'local.settings.json');
  if (!fs.existsSync(file)) return {};

  const parsed = parseJsonFile(file);
  if (parsed.IsEncrypted === true) {
    throw new ConfigurationError(`${file} is encrypted: decrypt it with "func settings decrypt" first`);
  }
  const values = parsed.Values ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigurationError(`${file}: "Values" must be an object of setting names to strings`);
  }

  const settings: AppSettings = {};
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (value !== null && value !== undefined) settings[name] = String(value);
  }
  return settings;
}

/**
 * Merges app settings in priority order: `local.settings.json` values, then the environment (variables already
 * set win, as with Core Tools), then explicit overrides such as those a test passes to `startHost`.
 */
export function mergeSettings(local: AppSettings, env: NodeJS.ProcessEnv, overrides: AppSettings = {}): AppSettings {
  const merged: AppSettings = { ...local };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) merged[name] = value;
  }
  return Object.assign(merged, overrides);
}

export function parseJsonFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigurationError(`invalid JSON in ${file}: ${(error as Error).message}`);
  }
}
