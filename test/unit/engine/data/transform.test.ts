import { describe, expect, it } from 'vitest';
import {
  applyRotation,
  applyTransform,
  rotateImage,
  rotationMap,
  transformProblems,
} from '../../../../src-main/engine/data/transform';
import { Rng } from '../../../../src-main/engine/random';

function randomImage(h: number, w: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: h * w }, () => rng.next());
}

describe('domain transforms: rotation', () => {
  it('rotating by 0° is the identity', () => {
    const img = randomImage(28, 28, 1);
    expect([...rotateImage(img, 28, 28, 0)]).toEqual([...img]);
  });

  it('rotating by 90° four times returns the image (square, odd and even sizes)', () => {
    for (const size of [28, 7]) {
      const img = randomImage(size, size, size);
      const map = rotationMap(size, size, 90);
      let out = img;
      for (let i = 0; i < 4; i++) out = applyRotation(out, map);
      for (let i = 0; i < img.length; i++) expect(out[i]).toBeCloseTo(img[i] ?? NaN, 6);
    }
  });

  it('90° turns counter-clockwise: the top-right corner goes to the top-left', () => {
    // 3 × 3, a single lit pixel at row 0, column 2.
    const img = new Float32Array(9);
    img[2] = 1;
    const out = rotateImage(img, 3, 3, 90);
    expect([...out]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('45° interpolates bilinearly and fills with zeros outside the image', () => {
    const ones = new Float32Array(28 * 28).fill(1);
    const out = rotateImage(ones, 28, 28, 45);
    // The centre stays 1; the corners map from outside the image: 0.
    expect(out[14 * 28 + 14]).toBeCloseTo(1, 6);
    expect(out[0]).toBe(0);
    expect(out[27 * 28 + 27]).toBe(0);
    for (const v of out) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});

describe('domain transforms: noise', () => {
  const rows = (n: number): Float32Array => new Float32Array(n * 16).fill(0.5);

  it('is deterministic: the same split seed and row indices give the same noise', () => {
    const a = rows(3);
    const b = rows(3);
    applyTransform(a, [5, 9, 2], [4, 4], { noiseStd: 0.3 }, 7, 'd');
    applyTransform(b, [5, 9, 2], [4, 4], { noiseStd: 0.3 }, 7, 'd');
    expect([...a]).toEqual([...b]);
    expect(a.some((v) => v !== 0.5)).toBe(true);
  });

  it('depends on the row, not its position, and on the split seed', () => {
    const a = rows(2);
    const b = rows(2);
    applyTransform(a, [5, 9], [4, 4], { noiseStd: 0.3 }, 7, 'd');
    applyTransform(b, [9, 5], [4, 4], { noiseStd: 0.3 }, 7, 'd');
    expect([...a.subarray(0, 16)]).toEqual([...b.subarray(16, 32)]);
    const c = rows(2);
    applyTransform(c, [5, 9], [4, 4], { noiseStd: 0.3 }, 8, 'd');
    expect([...c]).not.toEqual([...a]);
  });

  it('has the requested standard deviation', () => {
    const x = new Float32Array(400 * 25);
    applyTransform(
      x,
      Array.from({ length: 400 }, (_, i) => i),
      [5, 5],
      { noiseStd: 0.2 },
      0,
      'd',
    );
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.19);
    expect(sd).toBeLessThan(0.21);
  });

  it('refuses a rotation of features that are not images ([h, w] or [h, w, c])', () => {
    expect(() => {
      applyTransform(new Float32Array(6), [0], [2, 3, 1, 1], { rotateDeg: 10 }, 0, 'd');
    }).toThrow(/transform\.rotateDeg: applies to images only/);
  });
});

describe('domain transforms: zoom, inversion, tabular shift and multiply (issue 4)', () => {
  it('zoom 2 magnifies about the centre; zoom 1 with no rotation is the identity', () => {
    const img = randomImage(9, 9, 3);
    const identity = new Float32Array(img);
    applyTransform(identity, [0], [9, 9], { scale: 1 }, 0, 'd');
    expect([...identity]).toEqual([...img]);
    // A lit centre pixel stays lit; zoom 2 spreads it over its neighbours at half weight.
    const dot = new Float32Array(81);
    dot[40] = 1;
    applyTransform(dot, [0], [9, 9], { scale: 2 }, 0, 'd');
    expect(dot[40]).toBeCloseTo(1, 6);
    expect(dot[41]).toBeCloseTo(0.5, 6);
    expect(dot[0]).toBe(0);
  });

  it('inverts scaled pixels after the rotation, so the zero fill turns white', () => {
    const ones = new Float32Array(16).fill(1);
    applyTransform(ones, [0], [4, 4], { invert: true }, 0, 'd');
    expect([...ones]).toEqual(new Array<number>(16).fill(0));
    const img = new Float32Array(28 * 28).fill(1);
    applyTransform(img, [0], [28, 28], { rotateDeg: 45, invert: true }, 0, 'd');
    expect(img[0]).toBe(1);
    expect(img[14 * 28 + 14]).toBeCloseTo(0, 6);
  });

  it('rotates RGB images channel by channel', () => {
    const img = new Float32Array(3 * 3 * 3);
    img.set([0.1, 0.2, 0.3], 2 * 3); // row 0, column 2
    applyTransform(img, [0], [3, 3, 3], { rotateDeg: 90 }, 0, 'd');
    expect(Array.from(img.subarray(0, 3)).map((v) => Number(v.toFixed(6)))).toEqual([
      0.1, 0.2, 0.3,
    ]);
  });

  it('multiplies, shifts, then standardises tabular rows', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    applyTransform(x, [0, 1], [2], { multiply: [2, 1], shift: 1 }, 0, 'd', {
      mean: Float32Array.from([0, 0]),
      std: Float32Array.from([1, 2]),
    });
    expect([...x]).toEqual([3, 1.5, 7, 2.5]);
  });

  it('says which fields do not fit the data', () => {
    expect(transformProblems({ shift: 1, rotateDeg: 10 }, [8, 8])).toEqual([
      { path: 'transform.shift', message: 'applies to tabular features [d] only, not [8, 8]' },
    ]);
    expect(transformProblems({ rotateDeg: 10, invert: true }, [5])).toHaveLength(2);
    expect(transformProblems({ shift: [1, 2] }, [3])).toEqual([
      { path: 'transform.shift', message: 'has 2 values; the dataset has 3 features' },
    ]);
    expect(() => {
      applyTransform(new Float32Array(3), [0], [3], { scale: 2 }, 0, 'tab');
    }).toThrow(/Domain "tab": transform.scale: applies to images only/);
  });
});
