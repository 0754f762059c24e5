import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Lists every package installed under `dir` by lockfile key (`node_modules/a/node_modules/b`), with its version. */
function installedPackages(dir: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  const modules = path.join(dir, 'node_modules');
  if (!fs.existsSync(modules)) return found;
  const names = fs
    .readdirSync(modules)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@') ? fs.readdirSync(path.join(modules, name)).map((inner) => `${name}/${inner}`) : [name],
    );
  for (const name of names) {
    const key = `${prefix}node_modules/${name}`;
    found.set(key, readJson(path.join(modules, name, 'package.json')).version);
    for (const [nested, version] of installedPackages(path.join(modules, name), `${key}/`)) found.set(nested, version);
  }
  return found;
}

/** A package in the output of `npm ls --json`. */
interface ListedPackage {
  version?: string;
  dependencies?: Record<string, ListedPackage>;
}

/** Collects every `name@version` in an `npm ls --json` tree. */
function listedVersions(tree: ListedPackage, found = new Set<string>()): Set<string> {
  for (const [name, node] of Object.entries(tree.dependencies ?? {})) {
    if (node.version !== undefined) found.add(`${name}@${node.version}`);
    listedVersions(node, found);
  }
  return found;
}

/** Runs `workspaceLockfile` of the package script's lockfile module in a child process, which can load ESM. */
function deriveLockfile(
  rootLock: object,
  manifest: object,
): { lock?: { packages: Record<string, object> }; error?: string } {
  const module = path.join(root, 'functions', 'scripts', 'production-lockfile.mjs');
  const script = [
    `import { workspaceLockfile } from ${JSON.stringify(module)};`,
    'const [rootLock, manifest] = JSON.parse(process.argv[1]);',
    "try { console.log(JSON.stringify({ lock: workspaceLockfile(rootLock, 'functions', manifest) })); }",
    'catch (error) { console.log(JSON.stringify({ error: error.message })); }',
  ].join('\n');
  const output = execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    script,
    JSON.stringify([rootLock, manifest]),
  ]);
  return JSON.parse(output.toString());
}

describe('functions package script', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'functions-package-')), 'app');
    // The package script alone, without the build step of `npm run package`: rebuilding `functions/dist` here would
    // rewrite files that the host suites load at the same time. `npm test` builds before jest runs. npm runs offline,
    // so the install must come from the npm cache that the root `npm ci` filled.
    execFileSync(process.execPath, [path.join(root, 'functions', 'scripts', 'package.mjs'), outDir], {
      env: { ...process.env, npm_config_offline: 'true' },
      stdio: 'pipe',
    });
  }, 300000);

  afterAll(() => fs.rmSync(path.dirname(outDir), { recursive: true, force: true }));

  it('contains host.json, package.json and the compiled functions', () => {
    expect(fs.existsSync(path.join(outDir, 'host.json'))).toBe(true);
    expect(readJson(path.join(outDir, 'package.json')).main).toBe('dist/functions/*.js');
    expect(fs.readdirSync(path.join(outDir, 'dist', 'functions'))).toContain('batch-orchestrator.js');
  });

  it('declares no devDependencies or scripts', () => {
    const manifest = readJson(path.join(outDir, 'package.json'));
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
  });

  it('installs no development tools', () => {
    const tools = ['typescript', 'jest', 'ts-jest', 'eslint', 'prettier', 'azurite', '@types/jest', 'cdktf'];
    const installed = tools.filter((name) => fs.existsSync(path.join(outDir, 'node_modules', name)));
    expect(installed).toEqual([]);
  });

  it('installs only packages a production dependency needs', () => {
    const needed = new Set(
      execFileSync('npm', ['ls', '--all', '--parseable', '--omit=dev'], { cwd: outDir, stdio: 'pipe' })
        .toString()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => path.relative(outDir, line)),
    );
    const development = Object.keys(readJson(path.join(root, 'package.json')).devDependencies);
    const unneeded = development.filter(
      (name) => fs.existsSync(path.join(outDir, 'node_modules', name)) && !needed.has(path.join('node_modules', name)),
    );
    expect(unneeded).toEqual([]);
    expect(needed.has(path.join('node_modules', 'durable-functions'))).toBe(true);
  });

  it('installs every production dependency', () => {
    const production = Object.keys(readJson(path.join(root, 'functions', 'package.json')).dependencies);
    const missing = production.filter((name) => !fs.existsSync(path.join(outDir, 'node_modules', name)));
    expect(missing).toEqual([]);
  });

  it('installs root lockfile versions', () => {
    const rootLock = readJson(path.join(root, 'package-lock.json')).packages;
    const installed = installedPackages(outDir);
    const differing = [...installed]
      .map(([key, version]) => ({ key, version, locked: (rootLock[`functions/${key}`] ?? rootLock[key])?.version }))
      .filter(({ version, locked }) => version !== locked);
    expect(differing).toEqual([]);
    expect(installed.size).toBeGreaterThan(0);
  });

  it('installs exactly the locked functions tree', () => {
    const locked = JSON.parse(
      execFileSync('npm', ['ls', '--package-lock-only', '--all', '--omit=dev', '--json', '--workspace', 'functions'], {
        cwd: root,
        stdio: 'pipe',
      }).toString(),
    );
    const expected = listedVersions(locked.dependencies['@fanout/functions']);
    const installed = new Set(
      [...installedPackages(outDir)].map(([key, version]) => `${key.split('node_modules/').pop()}@${version}`),
    );
    expect([...installed].filter((entry) => !expected.has(entry))).toEqual([]);
    expect([...expected].filter((entry) => !installed.has(entry))).toEqual([]);
  });

  it('ships the lockfile it was installed from', () => {
    const lock = readJson(path.join(outDir, 'package-lock.json'));
    const installed = installedPackages(outDir);
    const locked = Object.entries(lock.packages as Record<string, { version?: string }>).filter(([key]) => key !== '');
    expect(new Map(locked.map(([key, entry]) => [key, entry.version]))).toEqual(installed);
  });

  it('loads every function module from the folder alone', () => {
    const script = [
      "const fs = require('node:fs');",
      "for (const file of fs.readdirSync('dist/functions').filter((name) => name.endsWith('.js'))) {",
      "  require('./dist/functions/' + file);",
      '}',
      "console.log('loaded');",
    ].join('\n');
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: outDir,
      env: { PATH: process.env.PATH, NODE_PATH: '' },
      stdio: 'pipe',
    });
    expect(output.toString()).toContain('loaded');
  });
});

describe('workspace lockfile of the package script', () => {
  const manifest = { name: '@fanout/functions', version: '0.1.0', dependencies: { a: '1.0.0' } };
  const entry = (version: string, dependencies?: Record<string, string>) => ({
    version,
    integrity: `sha512-${version}`,
    ...(dependencies ? { dependencies } : {}),
  });
  const lockWith = (packages: Record<string, object>) => ({
    name: 'fan-out-fan-in',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fan-out-fan-in', workspaces: ['functions'], devDependencies: { tool: '1.0.0' } },
      functions: { name: '@fanout/functions', version: '0.1.0', dependencies: { a: '1.0.0' } },
      'node_modules/@fanout/functions': { resolved: 'functions', link: true },
      'node_modules/tool': { ...entry('1.0.0', { b: '^1.0.0' }), dev: true },
      ...packages,
    },
  });

  it('keeps production tree, hoists nested packages', () => {
    const { lock, error } = deriveLockfile(
      lockWith({
        'functions/node_modules/a': entry('1.0.0', { b: '^2.0.0', c: '^1.0.0' }),
        'functions/node_modules/b': entry('2.0.0'),
        'node_modules/b': { ...entry('1.0.0'), dev: true },
        'node_modules/c': { ...entry('1.1.0'), devOptional: true },
      }),
      manifest,
    );
    expect(error).toBeUndefined();
    expect(lock?.packages).toEqual({
      '': { name: '@fanout/functions', version: '0.1.0', dependencies: { a: '1.0.0' } },
      'node_modules/a': entry('1.0.0', { b: '^2.0.0', c: '^1.0.0' }),
      'node_modules/b': entry('2.0.0'),
      'node_modules/c': { ...entry('1.1.0'), optional: true },
    });
  });

  it('rejects two versions in one place', () => {
    const { error } = deriveLockfile(
      lockWith({
        'node_modules/a': entry('1.0.0', { d: '^1.0.0' }),
        'node_modules/d': entry('1.0.0', { b: '^1.0.0' }),
        'node_modules/b': entry('1.0.0'),
        'functions/node_modules/b': entry('2.0.0'),
        'functions/node_modules/e': entry('1.0.0', { b: '^2.0.0' }),
        functions: { name: '@fanout/functions', version: '0.1.0', dependencies: { a: '1.0.0', e: '1.0.0' } },
      }),
      { ...manifest, dependencies: { a: '1.0.0', e: '1.0.0' } },
    );
    expect(error).toMatch(/would both install at node_modules\/b/);
  });

  it('rejects an outdated root lockfile', () => {
    const { error } = deriveLockfile(lockWith({ 'node_modules/a': entry('1.0.0') }), {
      ...manifest,
      dependencies: { a: '1.0.1' },
    });
    expect(error).toMatch(/does not match functions\/package.json/);
  });
});
