import type { ChildProcess } from 'node:child_process';
import { forkEngine, type EngineProcess, type EngineScript } from './fork';
import { ModelsAnswerSchema, type ModelsAnswer, type ModelsRequest } from './modelsProtocol';

/**
 * The parent side of the models process (modelsEntry.ts): fork, send one request, take one
 * answer. A crash, a hang or a garbled message becomes a 'failed' answer, never an exception.
 */

const MODELS: EngineProcess = { source: 'modelsEntry.ts', bundle: 'models.js' };
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL_CHARS = 2000;

export interface ModelsOptions {
  timeoutMs?: number;
  entry?: EngineScript;
}

export function runModelsRequest(
  request: ModelsRequest,
  options: ModelsOptions = {},
): Promise<ModelsAnswer> {
  const failed = (error: string): ModelsAnswer => ({ type: 'failed', error, refused: false });
  let child: ChildProcess;
  try {
    child = forkEngine(MODELS, options.entry);
  } catch (e) {
    return Promise.resolve(
      failed(`Could not start the models process: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  return new Promise((resolve) => {
    let answer: ModelsAnswer | undefined;
    let ending: string | undefined;
    const timer = setTimeout(() => {
      ending = 'The models process took too long and was stopped.';
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('message', (raw: unknown) => {
      const parsed = ModelsAnswerSchema.safeParse(raw);
      if (parsed.success) answer ??= parsed.data;
      else {
        ending = 'The models process sent an invalid message.';
        child.kill('SIGKILL');
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (answer && ending === undefined) {
        resolve(answer);
        return;
      }
      const how = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
      const tail = output.trim();
      resolve(
        failed(
          ending ?? `The models process ended without an answer (${how})${tail ? `: ${tail}` : ''}`,
        ),
      );
    });
    child.on('error', (e) => {
      if (child.pid === undefined) {
        clearTimeout(timer);
        resolve(failed(`Could not start the models process: ${e.message}`));
      }
    });
    child.send(request);
  });
}
