import { describe, expect, it } from 'vitest';
import { ModelSpecSchema } from '../../../src-shared/domain/experimentSpec';

describe('the model of a spec', () => {
  it('fills a CNN in from its defaults: the 2-conv network of the benchmark', () => {
    expect(ModelSpecSchema.parse({ type: 'cnn' })).toEqual({
      type: 'cnn',
      conv: [32, 64],
      dense: [128],
      kernelSize: 3,
    });
    expect(
      ModelSpecSchema.parse({ type: 'cnn', conv: [16], dense: [32, 16], kernelSize: 5 }),
    ).toEqual({ type: 'cnn', conv: [16], dense: [32, 16], kernelSize: 5 });
  });

  it('still reads an MLP, with its defaults', () => {
    expect(ModelSpecSchema.parse({ type: 'mlp' })).toEqual({
      type: 'mlp',
      hidden: [64],
      activation: 'relu',
    });
  });

  it.each([
    [{ type: 'cnn', conv: [] }, 'conv'],
    [{ type: 'cnn', conv: [8, 8, 8, 8, 8] }, 'conv'],
    [{ type: 'cnn', dense: [] }, 'dense'],
    [{ type: 'cnn', kernelSize: 0 }, 'kernelSize'],
    [{ type: 'cnn', kernelSize: 2.5 }, 'kernelSize'],
    [{ type: 'cnn', conv: [0] }, 'conv'],
    [{ type: 'cnn', hidden: [64] }, ''],
    [{ type: 'mlp', conv: [8] }, ''],
    [{ type: 'transformer' }, 'type'],
  ])('refuses %j', (model, path) => {
    const result = ModelSpecSchema.safeParse(model);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toContain(path);
  });
});
