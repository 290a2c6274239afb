import type { ChildProcess } from 'node:child_process';
import { forkEngine, type EngineProcess, type EngineScript } from './fork';
import {
  ProbeToParentSchema,
  type ParentToProbe,
  type ProbeJob,
  type ProbeOutcome,
} from './probeProtocol';

/**
 * The parent side of the probe process (probeEntry.ts): fork, send the jobs, collect one outcome
 * per job. Forked like a trainer (host.ts) and for the same reasons: tfjs stays out of the
 * process that owns the UI and the database, and a crash or a hang costs one request.
 */

export interface ProbeHandle {
  /** Kills the process; the jobs without an answer get an error. */
  kill(): void;
  /** One outcome per job, in job order; never rejects. */
  done: Promise<ProbeOutcome[]>;
}

export interface ProbeOptions {
  /** The whole request's limit; a stuck backend must not leave the designer waiting forever. */
  timeoutMs?: number;
  /** The script to fork instead of the one beside fork.ts (a test starts out/main/probe.js). */
  entry?: EngineScript;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const OUTPUT_TAIL_CHARS = 2000;

const PROBE: EngineProcess = { source: 'probeEntry.ts', bundle: 'probe.js' };

export function startProbe(jobs: ProbeJob[], options: ProbeOptions = {}): ProbeHandle {
  const outcomes: (ProbeOutcome | undefined)[] = jobs.map(() => undefined);
  const finish = (reason: string): ProbeOutcome[] =>
    outcomes.map((o) => o ?? { ok: false, error: reason });
  let child: ChildProcess;
  try {
    child = forkEngine(PROBE, options.entry);
  } catch (e) {
    const error = `Could not start the scoring process: ${e instanceof Error ? e.message : String(e)}`;
    return { kill: () => undefined, done: Promise.resolve(finish(error)) };
  }

  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  let ending: string | null = null;

  child.on('message', (raw: unknown) => {
    const parsed = ProbeToParentSchema.safeParse(raw);
    if (!parsed.success || ('index' in parsed.data && parsed.data.index >= jobs.length)) {
      ending ??= 'The scoring process sent an invalid message.';
      child.kill('SIGKILL');
      return;
    }
    const m = parsed.data;
    if (m.type === 'scored') outcomes[m.index] = { ok: true, scores: m.scores, samples: m.samples };
    else if (m.type === 'failed') outcomes[m.index] = { ok: false, error: m.error };
  });

  const timer = setTimeout(() => {
    ending ??= 'Scoring took too long and was stopped.';
    child.kill('SIGKILL');
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  const done = new Promise<ProbeOutcome[]>((resolve) => {
    let settled = false;
    const settle = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(finish(reason));
    };
    // 'close' follows 'exit' once stdio is closed, so every message has been delivered.
    child.on('close', (code, signal) => {
      const how = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
      const tail = output.trim();
      settle(
        ending ?? `The scoring process ended without an answer (${how})${tail ? `: ${tail}` : ''}`,
      );
    });
    child.on('error', (e) => {
      if (child.pid === undefined) settle(`Could not start the scoring process: ${e.message}`);
    });
  });

  const start: ParentToProbe = { type: 'start', jobs };
  child.send(start);
  return {
    kill: () => {
      ending ??= 'Scoring was stopped: the workspace is closing.';
      child.kill('SIGKILL');
    },
    done,
  };
}
