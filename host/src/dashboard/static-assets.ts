import fs from 'node:fs';
import path from 'node:path';

export interface StaticAsset {
  contentType: string;
  body: Buffer;
}

/**
 * The page's files are served from `host/src/dashboard/assets`, which resolves to the same folder from
 * `host/src/dashboard` (ts-jest) and from `host/dist/dashboard` (the build), so the build needs no copy step.
 */
export const ASSETS_DIR = path.resolve(__dirname, '..', '..', 'src', 'dashboard', 'assets');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Reads every asset of the page once, keyed by file name. */
export function loadAssets(dir: string = ASSETS_DIR): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const name of fs.readdirSync(dir)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType) assets.set(name, { contentType, body: fs.readFileSync(path.join(dir, name)) });
  }
  return assets;
}
