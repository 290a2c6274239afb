import WebSocket from 'ws';
import type { RpcInput, RpcMethod, RpcOutput } from '../../src-shared/rpc/contract';
import type { ExperimentSpecInput } from '../../src-shared/domain/experimentSpec';
import type { Result } from '../../src-shared/result';
import type { WsServerFrame } from '../../src-shared/rpc/wire';

/**
 * Calls the headless server's RPC as the page does (same URL, token and Origin), so an e2e test
 * can set up a workspace (an experiment from a spec) without driving the designer, and wait for
 * its runs. One socket per call: setup is a handful of calls.
 */
export async function rpc<M extends RpcMethod>(
  serverUrl: string,
  method: M,
  input: RpcInput<M>,
): Promise<Result<RpcOutput<M>>> {
  const page = new URL(serverUrl);
  const token = page.searchParams.get('token') ?? '';
  const socket = new WebSocket(`ws://${page.host}/rpc?token=${encodeURIComponent(token)}`, {
    origin: page.origin,
  });
  try {
    return await new Promise<Result<RpcOutput<M>>>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('open', () => {
        socket.send(JSON.stringify({ id: 1, method, input }));
      });
      socket.on('message', (data: WebSocket.RawData) => {
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
        const frame = JSON.parse(text) as WsServerFrame;
        if (frame.kind === 'response' && frame.id === 1)
          resolve(frame.result as Result<RpcOutput<M>>);
      });
    });
  } finally {
    socket.close();
  }
}

/** Like `rpc`, for calls that must succeed: throws the server's error otherwise. */
export async function call<M extends RpcMethod>(
  serverUrl: string,
  method: M,
  input: RpcInput<M>,
): Promise<RpcOutput<M>> {
  const result = await rpc(serverUrl, method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value;
}

/** Waits until every run of the experiment has ended (completed, failed, …). */
export async function waitForExperiment(
  serverUrl: string,
  experimentId: number,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await call(serverUrl, 'runs.list', { experimentId });
    if (runs.every((r) => r.status !== 'queued' && r.status !== 'running')) return;
    if (Date.now() > deadline)
      throw new Error(`experiment #${experimentId} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * A tiny synthetic experiment that trains in seconds: 20 features, one hidden layer, 2 epochs,
 * two seeds; scratch, plain fine-tuning and fine-tuning with L2-SP (two variants of one
 * strategy, issue 10).
 */
export function tinySpec(name: string): ExperimentSpecInput {
  const task = (angleDeg: number) => ({
    generator: 'linear-binary' as const,
    features: 20,
    samples: 400,
    taskSeed: 1,
    angleDeg,
    noise: 0.1,
  });
  return {
    name,
    sources: [{ name: 'task A', dataset: task(0) }],
    targets: [{ name: 'task B', dataset: task(30) }],
    strategies: [
      { id: 'scratch' },
      { id: 'fine-tune' },
      { id: 'fine-tune', params: { l2sp: 0.01 } },
    ],
    budgets: [20],
    seeds: [0, 1],
    model: { type: 'mlp', hidden: [8], activation: 'relu' },
    training: {
      epochs: 2,
      learningRate: 0.01,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'cpu',
    },
    sourceTraining: {
      epochs: 2,
      learningRate: 0.01,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'cpu',
    },
  };
}
