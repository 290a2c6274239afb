import type { InputContract, InputScaling } from '../../../src-shared/domain/models';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { strategyInfo } from '../../../src-shared/domain/strategies';

/**
 * The input contract of the imported model a transfer run starts from (issue 13), when it starts
 * from one: its strategy takes the source model and the source names a `pretrained` model. The
 * run's target rows are then fitted to the model's row shape and scaled as the model expects.
 */
export function pretrainedInput(config: ResolvedRunConfig): InputContract | undefined {
  if (config.kind !== 'transfer' || config.strategy === 'source') return undefined;
  const pretrained = config.sourceDomain?.pretrained;
  if (pretrained === undefined || !strategyInfo(config.strategy).needsSourceModel) return undefined;
  return pretrained.input;
}

/**
 * Scales rows of `shape` (channels last) as an imported model expects them, from the values
 * Transferlab feeds a model (pixels / 255): ×255 for `byte`, (x − mean_c) / std_c for
 * `standardise`, channel c = index mod channels when one value per channel is given. Returns a
 * new array; `unit` returns the rows as they are.
 */
export function scaleRows(
  x: Float32Array,
  shape: readonly number[],
  s: InputScaling,
): Float32Array {
  if (s.kind === 'unit') return x;
  if (s.kind === 'byte') return x.map((v) => v * 255);
  const channels = s.mean.length;
  const last = shape.at(-1) ?? 1;
  if (channels !== 1 && (shape.length < 3 || channels !== last)) {
    throw new Error(
      `The input scaling gives ${channels} means and stds; rows of shape [${shape.join(', ')}] ` +
        `have ${shape.length < 3 ? 'no channel axis' : `${last} channels`}`,
    );
  }
  const mean = Float32Array.from(s.mean);
  const inv = Float32Array.from(s.std, (d) => 1 / d);
  return x.map((v, i) => {
    const c = channels === 1 ? 0 : i % channels;
    return (v - (mean[c] ?? 0)) * (inv[c] ?? 1);
  });
}
