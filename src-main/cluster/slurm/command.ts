import { execFile, type ExecFileException } from 'node:child_process';

/**
 * Runs one Slurm client command (sbatch, squeue, scontrol, scancel) with an argument array,
 * never through a shell, so no value can be read as shell syntax. A command that is missing
 * (ENOENT), fails or runs too long rejects with a SlurmCommandError that carries its stderr.
 */

export interface SlurmCallOptions {
  /** The commands' environment; SLURM_CONF in it names the cluster. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Milliseconds before the command is killed. A client retries an unreachable slurmctld for
   * its MessageTimeout (10 s by default) before it fails, so the default leaves room for that.
   */
  timeoutMs?: number;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export class SlurmCommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly args: readonly string[],
    /** The exit code; undefined when the command did not start or was killed. */
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SlurmCommandError';
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** What every Slurm client prints when its configuration file does not exist. */
const MISSING_CONFIG = /s_p_parse_file: cannot stat file (.*?): No such file/;

export function runSlurmCommand(
  command: string,
  args: readonly string[],
  options: SlurmCallOptions & { input?: string } = {},
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else reject(commandError(command, args, error, stderr));
      },
    );
    // Without its slurm.conf a Slurm client retries for 60 s (the file may sit on a network
    // mount that is not up yet); nothing here waits for that, so the command stops at once.
    let stderrSoFar = '';
    child.stderr?.on('data', (chunk: string) => {
      stderrSoFar += chunk;
      const match = MISSING_CONFIG.exec(stderrSoFar);
      if (match !== null && !child.killed) {
        child.kill();
        // Settles the promise first; what the callback then reports changes nothing.
        reject(
          new SlurmCommandError(
            `${command} finds no Slurm configuration (${match[1] ?? 'slurm.conf'}): set ` +
              'SLURM_CONF, or is this a Slurm login node?',
            command,
            args,
            undefined,
            stderrSoFar.trim(),
          ),
        );
      }
    });
    // A command that exits before reading all of its stdin would otherwise raise EPIPE here;
    // its exit status and stderr already say what went wrong.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

function commandError(
  command: string,
  args: readonly string[],
  error: ExecFileException,
  stderr: string,
): SlurmCommandError {
  const detail = stderr.trim();
  if (error.code === 'ENOENT') {
    return new SlurmCommandError(
      `${command} not found: is this a Slurm login node?`,
      command,
      args,
      undefined,
      detail,
    );
  }
  // execFile kills the command at the timeout; a client waiting on an unreachable slurmctld
  // is the usual reason.
  if (error.killed === true) {
    return new SlurmCommandError(
      `${command} did not finish in time: is slurmctld reachable?` + withDetail(detail),
      command,
      args,
      undefined,
      detail,
    );
  }
  const exitCode = typeof error.code === 'number' ? error.code : undefined;
  const how =
    exitCode === undefined
      ? `killed by ${error.signal ?? 'a signal'}`
      : `exit code ${String(exitCode)}`;
  return new SlurmCommandError(
    `${command} failed (${how})` + withDetail(detail),
    command,
    args,
    exitCode,
    detail,
  );
}

function withDetail(stderr: string): string {
  return stderr === '' ? '' : `: ${stderr}`;
}
