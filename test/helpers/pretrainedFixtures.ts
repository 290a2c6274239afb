import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The pretrained-model fixtures (test/fixtures/pretrained, made by real PyTorch with
 * scripts/pretrained/make_fixtures.py): the model files, the saved inputs (rows of 784 pixels in
 * [0, 1]) and PyTorch's logits for them.
 */

export const PRETRAINED_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pretrained');

export function pretrainedFixture(name: string): string {
  return join(PRETRAINED_FIXTURES, name);
}

export function readPretrainedFixture(name: string): Buffer {
  return readFileSync(pretrainedFixture(name));
}

const rows = z.array(z.array(z.number()));
const Saved = z.object({ mlp: rows, cnn: rows });

/** The saved inputs and PyTorch's logits for them, per fixture model. */
export const pytorchInputs = Saved.parse(
  JSON.parse(readPretrainedFixture('inputs.json').toString('utf8')),
);
export const pytorchOutputs = Saved.parse(
  JSON.parse(readPretrainedFixture('outputs.json').toString('utf8')),
);
