import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('functions package script', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'functions-package-')), 'app');
    // The package script alone, without the build step of `npm run package`: rebuilding `functions/dist` here would
    // rewrite files that the host suites load at the same time. `npm test` builds before jest runs.
    execFileSync(process.execPath, [path.join(root, 'functions', 'scripts', 'package.mjs'), outDir], { stdio: 'pipe' });
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
