import { describeOnWebGpu } from '../../../helpers/webgpu';
import { CNN_CASES, CNN_PAIR } from './parity';
import { paritySuite } from './suite';

/**
 * The convolution path on webgpu against wasm (issue 15, point 2): Conv2D, its backward kernels
 * and max-pooling, from scratch, fine-tuned from a CNN source and under DANN's adversarial
 * gradient, on a tiny CNN over 8×8 digits, two epochs each.
 */
await describeOnWebGpu(`the CNN on webgpu equals wasm: ${CNN_PAIR.name}`, () => {
  paritySuite(CNN_PAIR, CNN_CASES);
});
