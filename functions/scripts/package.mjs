// Builds the zip-deploy folder `.package/`: host.json, a package.json without dev fields, the compiled `dist/`
// and production dependencies only, at exactly the versions that the root package-lock.json records. Zip its
// contents for `az functionapp deployment source config-zip` or the Azure/functions-action.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceLockfile } from './production-lockfile.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = path.dirname(appDir);
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

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const source = readJson(path.join(appDir, 'package.json'));
const rootLockPath = path.join(rootDir, 'package-lock.json');
if (!fs.existsSync(rootLockPath)) {
  console.error(`Missing ${rootLockPath}: run "npm install" at the repository root first.`);
  process.exit(1);
}
// Version overrides live in the workspace root's package.json. The deployed package.json keeps them next to the
// lockfile that already applies them.
const overrides = readJson(path.join(rootDir, 'package.json')).overrides;
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
const workspace = path.relative(rootDir, appDir).split(path.sep).join('/');
let lock;
try {
  lock = workspaceLockfile(readJson(rootLockPath), workspace, source);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
fs.writeFileSync(path.join(outDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

// npm passes workspace and lifecycle settings to scripts through npm_* variables. The install below must not see
// them, because with them it would install into the workspace root instead of this folder.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^npm_(config_workspace|config_include_workspace|package_|lifecycle_)/i.test(name),
  ),
);
// The only install script among the production dependencies is protobufjs's postinstall, which just warns about
// version ranges, so none has to run. --prefer-offline takes packages from the npm cache that the root install filled.
execFileSync(
  'npm',
  ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
  { cwd: outDir, env, stdio: 'inherit' },
);
console.log(`Deployment folder ready: ${outDir}`);
