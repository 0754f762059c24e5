// Builds the zip-deploy folder `.package/`: host.json, a package.json without dev fields, the compiled `dist/`
// and production dependencies only. Zip its contents for `az functionapp deployment source config-zip` or the
// Azure/functions-action.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(process.argv[2] ?? path.join(appDir, '.package'));
const distFunctions = path.join(appDir, 'dist', 'functions');

if (!fs.existsSync(distFunctions) || !fs.readdirSync(distFunctions).some((name) => name.endsWith('.js'))) {
  console.error(`No compiled functions in ${distFunctions}: run "npm run build -w functions" first.`);
  process.exit(1);
}

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
fs.copyFileSync(path.join(appDir, 'host.json'), path.join(outDir, 'host.json'));
fs.cpSync(path.join(appDir, 'dist'), path.join(outDir, 'dist'), {
  recursive: true,
  filter: (source) => !source.endsWith('.tsbuildinfo'),
});

const source = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
// Version overrides live in the workspace root's package.json; the deployed app must resolve the same versions.
const rootManifest = path.join(appDir, '..', 'package.json');
const overrides = fs.existsSync(rootManifest) ? JSON.parse(fs.readFileSync(rootManifest, 'utf8')).overrides : undefined;
const deployed = {
  name: source.name,
  version: source.version,
  private: true,
  description: source.description,
  main: source.main,
  engines: source.engines,
  dependencies: source.dependencies,
  ...(overrides ? { overrides } : {}),
};
fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);

// npm passes workspace and lifecycle settings to scripts through npm_* variables. The install below must not see
// them, because with them it would install into the workspace root instead of this folder.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_(config_workspace|config_include_workspace|package_|lifecycle_)/i.test(name),
  ),
);
execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
  cwd: outDir,
  env,
  stdio: 'inherit',
});
console.log(`Deployment folder ready: ${outDir}`);
