import { beforeAll, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import { ENGINE_WASM_KERNELS } from '../../../../src-main/engine/kernels/index';
import { ADAM_UPDATE } from '../../../../src-main/engine/kernels/adam';
import type { SavedModel } from '../../../../src-main/engine/model';
import { train } from '../../../../src-main/engine/train';
import type { StrategyId } from '../../../../src-shared/domain/experimentSpec';
import { describeOnWebGpu } from '../../../helpers/webgpu';
import { trainJob } from '../../../unit/engine/fixtures';
import {
  SYNTHETIC,
  syntheticConfig,
  trainSource,
  useSuiteDir,
} from '../../../unit/engine/strategies/helpers';

/**
 * The training loop on a GPU backend (issue 15, point 3), on lavapipe in CI: data on the device,
 * no read-back per batch and no synchronous read at all, the wasm-only kernels left to wasm, and
 * a cancel taking effect within one batch.
 */

const suiteDir = useSuiteDir();

/** The parts of tfjs-backend-webgpu's tensor map the count looks at. */
interface TensorMap {
  get(dataId: object): { values?: unknown } | undefined;
}

function isTensorMap(value: unknown): value is TensorMap {
  return (
    typeof value === 'object' && value !== null && 'get' in value && typeof value.get === 'function'
  );
}

/** What tfjs-backend-webgpu keeps per tensor: host values until they are uploaded. */
function hostValues(backend: object, dataId: object): unknown {
  const map: unknown = Reflect.get(backend, 'tensorMap');
  return isTensorMap(map) ? map.get(dataId)?.values : undefined;
}

/**
 * Counts the backend's reads of data that lives on the GPU only, until `stop()`: synchronous
 * (readSync) and asynchronous (read). A read of values still on the host (tfjs runs small ops on
 * the CPU and reads their inputs there, WEBGPU_CPU_FORWARD) waits for nothing and is not counted.
 */
function countReads(tf: Tf): { syncReads: number; reads: number; stop(): void } {
  const backend = tf.backend();
  const readSync = backend.readSync.bind(backend);
  const read = backend.read.bind(backend);
  const counts = {
    syncReads: 0,
    reads: 0,
    stop: () => {
      backend.readSync = readSync;
      backend.read = read;
    },
  };
  backend.readSync = (dataId) => {
    if (hostValues(backend, dataId) == null) counts.syncReads++;
    return readSync(dataId);
  };
  backend.read = (dataId) => {
    if (hostValues(backend, dataId) == null) counts.reads++;
    return read(dataId);
  };
  return counts;
}

await describeOnWebGpu('the training loop on webgpu', () => {
  let tf: Tf;
  let source: SavedModel;
  beforeAll(async () => {
    tf = (await selectBackend('webgpu')).tf;
    source = await trainSource(tf, suiteDir(), {
      source: SYNTHETIC.source,
      data: SYNTHETIC.sourceData,
      model: SYNTHETIC.model,
      epochs: 1,
    });
  });

  it("registers none of the engine's wasm kernels for webgpu", () => {
    const webgpu = tf.getKernelsForBackend('webgpu');
    expect(webgpu.length).toBeGreaterThan(100);
    expect(webgpu.some((k) => k.kernelName === ADAM_UPDATE)).toBe(false);
    for (const config of ENGINE_WASM_KERNELS) {
      expect(config.backendName).toBe('wasm');
      const mine = webgpu.find((k) => k.kernelName === config.kernelName);
      expect(mine?.kernelFunc).not.toBe(config.kernelFunc);
    }
  });

  // scratch: the plain loop; mmd: a loss with a per-batch statistic (the median bandwidth,
  // computed on the device: losses/mmd.ts deviceMedian); importance weighting: per-row weights
  // gathered with the batch's device indices.
  const CASES: [StrategyId, number][] = [
    ['scratch', 100],
    ['mmd', 5],
    ['importance-weighting', 5],
  ];
  for (const [strategy, budget] of CASES) {
    it(`${strategy}: no synchronous read, and reads once per evaluation, never per batch`, async () => {
      const config = syntheticConfig(strategy, {}, { budget, training: { epochs: 1 } });
      const job = trainJob(
        { ...config, training: { ...config.training, batchSize: 8 } },
        { data: SYNTHETIC.data, sourceData: SYNTHETIC.sourceData, sourceModel: source },
      );
      const before = tf.memory().numTensors;
      const counts = countReads(tf);
      /** Reads before the first batch (importance weighting's classifier reads as it fits). */
      let readsBeforeLoop: number | undefined;
      let batches = 0;
      const result = await train(
        job,
        tf,
        (m) => {
          if (m.type !== 'progress') return;
          readsBeforeLoop ??= counts.reads;
          batches = m.batches;
        },
        () => false,
      ).finally(() => {
        counts.stop();
      });
      expect(result.status).toBe('completed');
      expect(tf.memory().numTensors).toBe(before);
      expect(batches).toBeGreaterThan(20);
      // Nothing at all is read synchronously from the GPU (in Node it cannot be), before
      // training or in the loop.
      expect(counts.syncReads).toBe(0);
      // From the first batch on: the epoch's evaluation reads two sums per chunk (loss, hits) of
      // train and validation, the final one the test split's too and its rows for the confusion
      // matrix: a handful, whatever the number of batches.
      const loopReads = counts.reads - (readsBeforeLoop ?? 0);
      expect(loopReads).toBeGreaterThan(0);
      expect(loopReads).toBeLessThanOrEqual(12);
    });
  }

  it('stops at the batch a cancel is seen, leaving no tensor behind', async () => {
    const config = syntheticConfig('scratch', {}, { budget: 50, training: { epochs: 3 } });
    const job = trainJob(
      { ...config, training: { ...config.training, batchSize: 4 } },
      { data: SYNTHETIC.data },
    );
    // Polled before every batch: three batches run, then the cancel is seen. With the GPU queue
    // kept to two batches (gpuPacing.ts), the work still queued then is at most one batch.
    let polls = 0;
    const before = tf.memory().numTensors;
    const result = await train(
      job,
      tf,
      () => undefined,
      () => ++polls > 3,
    );
    expect(result.status).toBe('cancelled');
    expect(polls).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
