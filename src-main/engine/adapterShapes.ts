import type { InputAdapter } from '../../src-shared/domain/runs';
import { imageShapeOf } from '../data/imageShape';

/**
 * Which input adapter makes a target's rows of shape `from` fit a model built for the source's
 * rows of shape `to` (issue: "when source and target inputs differ in shape, an adapter is
 * inserted and the run says so"). Pure, so the planner and the data layer decide alike.
 *
 * - Same shape: nothing to do.
 * - Same number of values (e.g. [8, 8] and [64], or [8, 8] and [8, 8, 1]): the rows are read in
 *   the other shape, as row-major arrays they already are; nothing is learned or interpolated.
 * - Both images ([h, w] or [h, w, c], c ∈ {1, 3}): a fixed bilinear resize to the source's
 *   height and width, with half-pixel centres (tf.image.resizeBilinear with halfPixelCenters,
 *   TensorFlow 2's tf.image.resize), and a grey ↔ RGB conversion when the channels differ
 *   (tf.image.grayscaleToRGB / rgbToGrayscale). This is the usual practice of resizing inputs to
 *   the pretrained network's resolution before fine-tuning (Yosinski et al. 2014, Kornblith,
 *   Shlens, Le 2019, "Do better ImageNet models transfer better?").
 * - Anything else (tabular rows of other widths, an image against tabular rows): a learned linear
 *   map, Dense(prod(to)) without activation on the flattened row, trained with the run; a linear
 *   transformation of the target's features into the source's feature space is the model of
 *   feature-space alignment in heterogeneous transfer (Weiss, Khoshgoftaar, Wang 2016, "A survey
 *   of transfer learning", §5, heterogeneous transfer learning).
 */
export type InputFit =
  { kind: 'same' } | { kind: 'reshape' } | { kind: 'adapter'; adapter: InputAdapter };

export function inputFit(from: readonly number[], to: readonly number[]): InputFit {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return { kind: 'same' };
  const sizeFrom = size(from);
  const sizeTo = size(to);
  const imageFrom = imageShapeOf(from);
  const imageTo = imageShapeOf(to);
  if (
    imageFrom !== undefined &&
    imageTo !== undefined &&
    imageFrom[0] === imageTo[0] &&
    imageFrom[1] === imageTo[1] &&
    imageFrom[2] === imageTo[2]
  ) {
    return { kind: 'reshape' };
  }
  if (imageFrom !== undefined && imageTo !== undefined) {
    const channels = channelConversion(imageFrom[2], imageTo[2]);
    if (channels !== undefined) {
      return {
        kind: 'adapter',
        adapter: { kind: 'resize', from: [...from], to: [...to], method: 'bilinear', channels },
      };
    }
  }
  if (sizeFrom === sizeTo) return { kind: 'reshape' };
  return {
    kind: 'adapter',
    adapter: {
      kind: 'linear',
      from: [...from],
      to: [...to],
      parameters: sizeFrom * sizeTo + sizeTo,
    },
  };
}

function channelConversion(
  from: number,
  to: number,
): Extract<InputAdapter, { kind: 'resize' }>['channels'] | undefined {
  if (from === to) return 'same';
  if (from === 1 && to === 3) return 'grey-to-rgb';
  if (from === 3 && to === 1) return 'rgb-to-grey';
  return undefined;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
