import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../../src-main/core/paths';

/**
 * `bin/transferlab.js worker <job-file>` as a Slurm task starts it (issue 16): a process of its
 * own, with the task's environment on top of this one's. Shared by the worker tests.
 */

const BIN = join(projectRoot(), 'bin', 'transferlab.js');

export interface WorkerEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface WorkerProcess {
  child: ReturnType<typeof spawn>;
  done: Promise<WorkerEnd>;
}

export function startWorker(jobFile: string, env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', jobFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<WorkerEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Runs a worker to its end. */
export function runWorker(jobFile: string, env: NodeJS.ProcessEnv = {}): Promise<WorkerEnd> {
  return startWorker(jobFile, env).done;
}
