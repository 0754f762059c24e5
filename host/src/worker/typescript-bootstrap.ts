import fs from 'node:fs';
import path from 'node:path';

const SOURCE_ROOT = path.resolve(__dirname, '..');
const COMPILED_ROOT = path.resolve(SOURCE_ROOT, '../dist');

/**
 * Returns CommonJS source that compiles `.ts` files with `typescript` as they are required and then requires
 * `entry`. It lets a worker thread or child process run the host from its TypeScript sources, as tests do.
 */
export function typescriptBootstrap(entry: string): string {
  const typescript = require.resolve('typescript', { paths: [__dirname] });
  return `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(typescript)});
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    require.extensions['.ts'] = (module, filename) => {
      const source = fs.readFileSync(filename, 'utf8');
      module._compile(ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText, filename);
    };
    require(${JSON.stringify(entry)});
  `;
}

/**
 * Returns the compiled counterpart under `host/dist` of a source file under `host/src`, when it exists and is
 * newer than every source file under `dependencyRoot` (default all of `host/src`), so a fresh build saves
 * loading the TypeScript compiler.
 */
export function freshCompiledFile(sourceFile: string, dependencyRoot = SOURCE_ROOT): string | undefined {
  const relative = path.relative(SOURCE_ROOT, sourceFile).replace(/\.ts$/, '.js');
  const compiled = path.join(COMPILED_ROOT, relative);
  if (!fs.existsSync(compiled)) return undefined;
  const compiledAt = fs.statSync(compiled).mtimeMs;
  return newestSourceTime(dependencyRoot) <= compiledAt ? compiled : undefined;
}

function newestSourceTime(directory: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}
