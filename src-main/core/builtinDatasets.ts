import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NewDataset } from '../store/datasets';
import { resourcesDir } from './paths';

/**
 * Datasets shipped in resources/datasets, registered in every workspace on open. Their shape is
 * written here and checked against the real file by test/integration/core/builtinDatasets.test.ts.
 */
export function builtinDatasets(): NewDataset[] {
  const digitsPath = join(resourcesDir(), 'datasets', 'digits.csv.gz');
  const contentHash = createHash('sha256').update(readFileSync(digitsPath)).digest('hex');
  return [
    {
      name: 'digits',
      kind: 'builtin',
      contentHash,
      samples: 1797,
      featureShape: [8, 8],
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      locator: { kind: 'csv', path: digitsPath, featureShape: [8, 8], contentHash },
      provenance: {
        title: 'Optical Recognition of Handwritten Digits (UCI), as shipped by scikit-learn',
        creators: 'E. Alpaydin, C. Kaynak (1998)',
        licence: 'CC BY 4.0',
        source: 'https://doi.org/10.24432/C50P49',
        file: 'resources/datasets/digits.csv.gz',
      },
    },
  ];
}
