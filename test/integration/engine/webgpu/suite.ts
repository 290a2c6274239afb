import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import type { SavedModel } from '../../../../src-main/engine/model';
import { useSuiteDir } from '../../../unit/engine/strategies/helpers';
import { differences } from './differences';
import {
  EPOCHS,
  GROWS_PER_EPOCH,
  parityJob,
  recordRun,
  trainSourceModel,
  type Pair,
  type ParityCase,
  type RunRecord,
} from './parity';
import { flatMemory, outsideTolerance } from './tolerance';

/**
 * The checks of issue 15, point 2, for each case of a pair: the source model trained once on
 * wasm and shared; then per case the same job (seed, data, source model) once on wasm and twice
 * on webgpu, in this process (tfjs switches its one global backend), and three tests on those
 * runs: the metrics within TOLERANCE of wasm, the second webgpu run equal to the first bit for
 * bit, and tf.memory() flat across epochs and back to its start.
 */
export function paritySuite(pair: Pair, cases: readonly ParityCase[]): void {
  const suiteDir = useSuiteDir();
  let source: SavedModel;
  beforeAll(async () => {
    const { tf } = await selectBackend('wasm');
    source = await trainSourceModel(tf, suiteDir(), pair);
  });

  for (const c of cases) {
    describe(`${c.strategy} ${JSON.stringify(c.params)}, budget ${c.budget}`, () => {
      let wasm: RunRecord;
      let gpu: RunRecord;
      let again: RunRecord;
      beforeAll(async () => {
        const job = parityJob(pair, c, source);
        wasm = await recordRun((await selectBackend('wasm')).tf, job);
        const { tf, device } = await selectBackend('webgpu');
        expect(device.kind).not.toBe('cpu');
        gpu = await recordRun(tf, job);
        again = await recordRun(tf, job);
      });

      it('ends with every metric, per epoch and final, within the tolerance of wasm', () => {
        expect(wasm.status).toBe('completed');
        expect(gpu.status).toBe('completed');
        expect(gpu.epochs).toHaveLength(EPOCHS);
        expect(outsideTolerance(differences(wasm, gpu), wasm)).toEqual([]);
      });

      it('gives the same metrics bit for bit when run again on the same adapter', () => {
        // toEqual compares numbers with Object.is: bit for bit, NaN and -0 included.
        expect(again.epochs).toEqual(gpu.epochs);
        expect(again.final).toEqual(gpu.final);
      });

      it('keeps tf.memory() flat across epochs and leaves no tensor behind', () => {
        const growsPerEpoch = GROWS_PER_EPOCH.has(c.strategy);
        expect(flatMemory(gpu, { growsPerEpoch }).problem).toBeUndefined();
        expect(flatMemory(again, { growsPerEpoch }).problem).toBeUndefined();
      });
    });
  }
}
