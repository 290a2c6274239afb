import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../src-main/core/paths';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `transferlab serve` as a user would, and reads the URL (with its token) it prints.
 * `env` adds to this process's environment (SLURM_CONF: which cluster, if any, it reaches).
 */
export async function startServeProcess(
  workspace: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const root = projectRoot();
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'transferlab.js'), 'serve', '--port', '0', '--workspace', workspace],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', ...env },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`serve printed no URL within 60 s. stderr:\n${stderr}`));
    }, 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`serve exited with ${String(code)} before printing a URL. stderr:\n${stderr}`),
      );
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
