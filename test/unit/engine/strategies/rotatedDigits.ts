import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DataLocator } from '../../../../src-main/engine/protocol';
import { deriveSeed, Rng } from '../../../../src-main/engine/random';
import type { DomainSpec } from '../../../../src-shared/domain/experimentSpec';
import { DIGITS_PATH } from '../fixtures';

/**
 * A covariate-shift pair built from the digits: a seeded half of the images as the source, the
 * other half rotated by `angleDeg` (bilinear, about the image centre) as the target. Same classes,
 * same 8×8 inputs, different input distributions, and no image in both domains (a rotated copy of
 * a source training image in the target's test split would leak its label). What unsupervised
 * alignment is meant to fix, unlike two linear-binary tasks, whose inputs share one distribution.
 */
export interface RotatedDigits {
  source: DomainSpec;
  target: DomainSpec;
  sourceData: Extract<DataLocator, { kind: 'csv' }>;
  data: Extract<DataLocator, { kind: 'csv' }>;
}

export function rotatedDigits(dir: string, angleDeg: number): RotatedDigits {
  const rows = gunzipSync(readFileSync(DIGITS_PATH))
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  const order = new Rng(deriveSeed(7, 'rotated-digits:halves')).permutation(rows.length);
  const half = Math.floor(rows.length / 2);
  const source: string[] = [];
  const target: string[] = [];
  order.forEach((r, i) => {
    const row = rows[r] ?? [];
    const image = row.slice(0, 64);
    const label = row[64] ?? -1;
    if (i < half) source.push([...image, label].join(','));
    else
      target.push(
        [...rotate(image, angleDeg).map((v) => Math.round(v * 1000) / 1000), label].join(','),
      );
  });
  const write = (name: string, lines: string[]): Extract<DataLocator, { kind: 'csv' }> => {
    const path = join(dir, `${name}.csv`);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path, text);
    const contentHash = createHash('sha256').update(text).digest('hex');
    // Both files are divided by the digits' 16, whatever their own largest value.
    return { kind: 'csv', path, featureShape: [8, 8], contentHash, scale: 16 };
  };
  return {
    source: { name: 'digits (half A)', dataset: 'digits-a', splitSeed: 0 },
    target: {
      name: `digits (half B) rotated ${angleDeg}°`,
      dataset: 'digits-b-rotated',
      splitSeed: 0,
    },
    sourceData: write('digits-a', source),
    data: write(`digits-b-rotated-${angleDeg}`, target),
  };
}

/** An 8×8 image rotated by `deg` about its centre, bilinear, zero outside. */
function rotate(image: number[], deg: number): number[] {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const at = (r: number, q: number): number =>
    r >= 0 && r < 8 && q >= 0 && q < 8 ? (image[r * 8 + q] ?? 0) : 0;
  const out: number[] = [];
  for (let r = 0; r < 8; r++) {
    for (let q = 0; q < 8; q++) {
      const y = r - 3.5;
      const x = q - 3.5;
      const sx = c * x + s * y + 3.5;
      const sy = -s * x + c * y + 3.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      out.push(
        at(y0, x0) * (1 - fx) * (1 - fy) +
          at(y0, x0 + 1) * fx * (1 - fy) +
          at(y0 + 1, x0) * (1 - fx) * fy +
          at(y0 + 1, x0 + 1) * fx * fy,
      );
    }
  }
  return out;
}
