import type {
  KernelConfig,
  KernelFunc,
  NamedTensorMap,
  Tensor,
  TensorInfo,
  Variable,
} from '@tensorflow/tfjs';
import { allocate, heapF32, offsetOf, size, wasmBackend } from './wasmHeap';
import { tfjs } from '../tfjs';

const {
  add,
  div,
  engine,
  getBackend,
  getKernelsForBackend,
  mul,
  Optimizer,
  sqrt,
  square,
  tidy,
  zerosLike,
} = tfjs;

/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1) with the
 * whole update of one variable in one kernel on wasm.
 *
 * tf.train.adam issues about fifteen kernels per variable per step (moments, bias corrections,
 * square root, division, assignments). On a small model each costs more in dispatch (≈ 5 µs)
 * than in arithmetic: for the articles' 20→10→1 MLP, Adam is 40 % of a training step. The
 * kernel here reads w, m, v and g once and writes the new w, m, v:
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   w ← w − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * exactly tf.train.adam's update (tfjs-core's AdamOptimizer, same ε default: the backend's
 * epsilon), computed in float64 and stored as float32. On other backends EngineAdam runs the
 * same update with ordinary ops.
 */

export const ADAM_UPDATE = 'TransferlabAdamUpdate';

interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 for the first update. */
  step: number;
}

const adamUpdate: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = wasmBackend(anyBackend);
  const { value, m, v, gradient } = inputs as Record<'value' | 'm' | 'v' | 'gradient', TensorInfo>;
  const { learningRate, beta1, beta2, epsilon, step } = attrs as unknown as AdamAttrs;
  const count = size(value.shape);
  const outValue = allocate(backend, value.shape);
  const outM = allocate(backend, value.shape);
  const outV = allocate(backend, value.shape);
  const heap = heapF32(backend);
  const [w0, m0, v0, g0] = [value, m, v, gradient].map((t) => offsetOf(backend, t)) as [
    number,
    number,
    number,
    number,
  ];
  const [w1, m1, v1] = [outValue, outM, outV].map((t) => offsetOf(backend, t)) as [
    number,
    number,
    number,
  ];
  const correct1 = 1 - beta1 ** step;
  const correct2 = 1 - beta2 ** step;
  for (let i = 0; i < count; i++) {
    const g = heap[g0 + i] ?? NaN;
    const mi = beta1 * (heap[m0 + i] ?? NaN) + (1 - beta1) * g;
    const vi = beta2 * (heap[v0 + i] ?? NaN) + (1 - beta2) * g * g;
    heap[m1 + i] = mi;
    heap[v1 + i] = vi;
    heap[w1 + i] =
      (heap[w0 + i] ?? NaN) -
      (learningRate * (mi / correct1)) / (Math.sqrt(vi / correct2) + epsilon);
  }
  return [outValue, outM, outV];
};

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate,
};

/** tfjs's NamedTensor ({name, tensor}), which the package does not export by name. */
type NamedTensor = Awaited<ReturnType<InstanceType<typeof Optimizer>['getWeights']>>[number];

interface Slots {
  m: Variable;
  v: Variable;
}

/**
 * Adam as a tfjs Optimizer (minimize, computeGradients, iterations and dispose as usual), with
 * the fused kernel wherever the current backend has it.
 */
export class EngineAdam extends Optimizer {
  static get className(): string {
    return 'TransferlabAdam';
  }

  private readonly slots = new Map<string, Slots>();
  private readonly epsilon: number;

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    this.epsilon = epsilon ?? engine().backend.epsilon();
  }

  override applyGradients(gradients: NamedTensorMap | NamedTensor[]): void {
    const list: [string, Tensor][] = Array.isArray(gradients)
      ? gradients.map(({ name, tensor }) => [name, tensor])
      : Object.entries(gradients);
    const step = this.iterations + 1;
    const fused = getKernelsForBackend(getBackend()).some((k) => k.kernelName === ADAM_UPDATE);
    const { learningRate, beta1, beta2, epsilon } = this;
    tidy(() => {
      for (const [name, gradient] of list) {
        // Like tfjs's own optimizers, skip a variable the loss did not reach this step (DANN's
        // domain classifier at λ = 0): minimize() hands it over without a gradient.
        if ((gradient as Tensor | null | undefined) == null) continue;
        const value = engine().registeredVariables[name];
        if (value === undefined) throw new Error(`No variable named ${name}`);
        const { m, v } = this.slotsOf(name, value);
        if (fused) {
          const [newValue, newM, newV] = engine().runKernel<Tensor[]>(
            ADAM_UPDATE,
            { value, m, v, gradient },
            { learningRate, beta1, beta2, epsilon, step },
          );
          if (newValue === undefined || newM === undefined || newV === undefined) {
            throw new Error(`${ADAM_UPDATE} must return three tensors`);
          }
          value.assign(newValue);
          m.assign(newM);
          v.assign(newV);
          continue;
        }
        const newM = add(mul(m, beta1), mul(gradient, 1 - beta1));
        const newV = add(mul(v, beta2), mul(square(gradient), 1 - beta2));
        const update = div(
          div(newM, 1 - beta1 ** step),
          add(sqrt(div(newV, 1 - beta2 ** step)), epsilon),
        );
        m.assign(newM);
        v.assign(newV);
        value.assign(add(value, mul(update, -learningRate)));
      }
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { m, v } of this.slots.values()) {
      m.dispose();
      v.dispose();
    }
    this.slots.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.slots];
    return [
      await this.saveIterations(),
      ...slots.map(([name, s]) => ({ name: `${name}/m`, tensor: s.m })),
      ...slots.map(([name, s]) => ({ name: `${name}/v`, tensor: s.v })),
    ];
  }

  override async setWeights(weights: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weights);
    this.dispose();
    const half = rest.length / 2;
    rest.slice(0, half).forEach((first, i) => {
      const second = rest[half + i];
      if (second === undefined) throw new Error('Adam weights must pair m and v');
      this.slots.set(first.name.replace(/\/m$/, ''), {
        m: first.tensor.variable(false),
        v: second.tensor.variable(false),
      });
    });
  }

  override getConfig(): Record<string, number> {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  private slotsOf(name: string, value: Variable): Slots {
    let slots = this.slots.get(name);
    if (slots === undefined) {
      slots = tidy(() => ({
        m: zerosLike(value).variable(false),
        v: zerosLike(value).variable(false),
      }));
      this.slots.set(name, slots);
    }
    return slots;
  }
}

/** The engine's Adam: one kernel per variable and step on wasm (see EngineAdam). */
export function engineAdam(learningRate: number): EngineAdam {
  return new EngineAdam(learningRate);
}
