import { ConfigurationError } from './errors';
import type { AppSettings } from './local-settings';

/** Replaces `%NAME%` references in every string of a host.json section with the app setting of that name. */
export function resolveSettingReferences<T>(value: T, settings: AppSettings, location: string): T {
  if (typeof value === 'string') return resolveString(value, settings, location) as T;
  if (Array.isArray(value))
    return value.map((item, i) => resolveSettingReferences(item, settings, `${location}[${i}]`)) as T;
  if (typeof value === 'object' && value !== null) {
    const resolved: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      resolved[key] = resolveSettingReferences(item, settings, `${location}.${key}`);
    }
    return resolved as T;
  }
  return value;
}

export function resolveString(text: string, settings: AppSettings, location: string): string {
  return text.replace(/%([^%]+)%/g, (_reference, name: string) => {
    const setting = settings[name];
    if (setting === undefined) {
      throw new ConfigurationError(
        `${location} refers to app setting %${name}%, which is not set: add it to local.settings.json Values or the environment`,
      );
    }
    return setting;
  });
}
