import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../src-main/core/paths';

/** The processes a reliability campaign starts and kills: real CLI runs and real servers. */

const BIN = join(projectRoot(), 'bin', 'transferlab.js');

export interface Actor {
  kind: 'cli' | 'server';
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  stderr(): string;
}

function start(kind: Actor['kind'], args: string[]): Actor {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: projectRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  if (child.pid === undefined) throw new Error(`could not start transferlab ${args.join(' ')}`);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  return { kind, child, pid: child.pid, exited, stderr: () => stderr };
}

/** `transferlab run <spec> --workspace W --json`: executes its experiment and what it needs. */
export function startCli(spec: string, workspace: string): Actor {
  return start('cli', ['run', spec, '--workspace', workspace, '--json']);
}

/** `transferlab serve`: executes every queued run of the workspace; resolves once it listens. */
export async function startServer(workspace: string, concurrency?: number): Promise<Actor> {
  const actor = start('server', [
    'serve',
    '--port',
    '0',
    '--workspace',
    workspace,
    ...(concurrency !== undefined ? ['--concurrency', String(concurrency)] : []),
  ]);
  const stdout = actor.child.stdout;
  if (!stdout) throw new Error('serve has no stdout');
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => {
      if (line.startsWith('http://')) {
        lines.close();
        stdout.resume();
        resolve();
      }
    });
    void actor.exited.then((code) => {
      reject(new Error(`serve exited (${String(code)}) before listening:\n${actor.stderr()}`));
    });
  });
  return actor;
}

/** Child processes of `pid` (its trainers), from /proc: no process tool needed. */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') found.push(Number(entry));
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}

/** Trainer processes anywhere on the machine started from this checkout. */
export function trainerPids(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('engine/trainer/entry') || cmdline.includes('/trainer.js'))
        found.push(Number(entry));
    } catch {
      // Gone already.
    }
  }
  return found;
}

export function kill9(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: a kill of a process that just exited is still a kill at a random point.
  }
}

export async function stopGracefully(actor: Actor, timeoutMs = 30_000): Promise<void> {
  if (actor.child.exitCode !== null || actor.child.signalCode !== null) return;
  actor.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    kill9(actor.pid);
  }, timeoutMs);
  await actor.exited;
  clearTimeout(timer);
}
