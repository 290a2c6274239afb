import { expect, it } from 'vitest';
import { STRATEGIES } from '../../../../src-shared/domain/strategies';
import { describeOnWebGpu } from '../../../helpers/webgpu';
import { MLP_CASES, MLP_PAIR } from './parity';
import { paritySuite } from './suite';

/**
 * Every strategy on webgpu against wasm (issue 15, point 2), on lavapipe in CI: a tiny MLP on the
 * synthetic linear-binary pair, two epochs each. The tolerance and its derivation: tolerance.ts.
 */
await describeOnWebGpu(`every strategy on webgpu equals wasm: ${MLP_PAIR.name}`, () => {
  it('covers every strategy', () => {
    expect(new Set(MLP_CASES.map((c) => c.strategy))).toEqual(new Set(STRATEGIES.map((s) => s.id)));
  });
  paritySuite(MLP_PAIR, MLP_CASES);
});
