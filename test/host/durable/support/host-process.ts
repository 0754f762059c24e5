import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const cliPath = path.join(repoRoot, 'host/dist/cli.js');

export interface HostProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `node host/dist/cli.js start` for an app on a free loopback port; resolves once it listens. */
export async function startHostProcess(appDir: string, dataDir: string): Promise<HostProcess> {
  if (!fs.existsSync(cliPath)) {
    throw new Error(`${cliPath} not found: run "npm run build -w host" first`);
  }
  const child = spawn(
    process.execPath,
    [cliPath, 'start', '--app', appDir, '--port', '0', '--data', dataDir, '--log-level', 'warn'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Host listening on (http:\/\/\S+?)\.?\s/.exec(stdout);
      if (match) {
        resolve(match[1]);
      }
    });
    void exited.then((code) => reject(new Error(`host exited with ${code} before listening: ${stderr}`)));
  });
  return { child, url, exited };
}
