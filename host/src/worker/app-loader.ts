import fg from 'fast-glob';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCoreModule } from './core-module';
import type { WorkerState } from './worker-state';

/** The app cannot be loaded: missing folder, bad package.json, no entry files or an entry file that throws. */
export class AppLoadError extends Error {
  override name = 'AppLoadError';
}

/** `import()` that tsc leaves alone when it compiles to CommonJS, so ES module entry files load natively. */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * Makes `require('@azure/functions-core')` return the worker's core module from any module, and makes every
 * `require('@azure/functions')` (the app's and durable-functions') resolve the copy installed for the app, so
 * that one programming model registers every function.
 */
export function installCoreModule(state: WorkerState): void {
  const coreModule = createCoreModule(state);
  const appFunctionsPath = resolveFrom(state.appDir, '@azure/functions');
  const originalRequire = Module.prototype.require;

  const patched = function (this: Module, id: string) {
    if (id === '@azure/functions-core') return coreModule;
    if (id === '@azure/functions' && appFunctionsPath) return originalRequire.call(this, appFunctionsPath);
    return originalRequire.call(this, id);
  };
  Module.prototype.require = Object.assign(patched, originalRequire) as typeof originalRequire;
}

/** Loads every entry file that package.json `main` matches, in path order. */
export async function loadEntryFiles(appDir: string): Promise<string[]> {
  const packageJson = readPackageJson(appDir);
  const files = resolveEntryFiles(appDir);
  for (const file of files) {
    try {
      if (isEsModule(file, packageJson)) await importModule(pathToFileURL(file).href);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- entry files are loaded by path at run time
      else require(file);
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new AppLoadError(`Loading ${path.relative(appDir, file)} failed: ${reason}`);
    }
  }
  return files;
}

function readPackageJson(appDir: string): { main?: unknown; type?: unknown } {
  const file = path.join(appDir, 'package.json');
  if (!fs.existsSync(file)) {
    throw new AppLoadError(`${file} not found: the app folder must contain package.json with "main"`);
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { main?: unknown; type?: unknown };
  } catch (error) {
    throw new AppLoadError(`invalid JSON in ${file}: ${(error as Error).message}`);
  }
}

/** Expands package.json `main` (a glob) relative to the app folder; no match is an error. */
export function resolveEntryFiles(appDir: string): string[] {
  const main = readPackageJson(appDir).main;
  if (typeof main !== 'string' || main.trim() === '') {
    throw new AppLoadError(
      `${path.join(appDir, 'package.json')} has no "main": set it to the entry files, for example "dist/src/functions/*.js"`,
    );
  }
  const files = fg.sync(main.replace(/^\.\//, ''), { cwd: appDir, absolute: true, onlyFiles: true }).sort();
  if (files.length === 0) {
    throw new AppLoadError(
      `package.json "main" (${main}) matches no file in ${appDir}: build the app first or fix "main"`,
    );
  }
  return files;
}

function isEsModule(file: string, packageJson: { type?: unknown }): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  return packageJson.type === 'module';
}

function resolveFrom(directory: string, request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [directory] });
  } catch {
    return undefined;
  }
}
