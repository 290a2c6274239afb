import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { buildSpec, formFromSpec } from '../../../src-renderer/lib/specForm';

const EXAMPLES = join(import.meta.dirname, '../../../resources/examples');
/** As the catalog reports them, so that the CNN and rotation checks run as in the app. */
const SHAPES = new Map([
  ['digits', [8, 8]],
  ['fashion-mnist', [28, 28]],
]);

/**
 * `$schema` is an editor hint relative to the example's file; the designer never sends it, and
 * it is no part of any run's config.
 */
function withoutSchemaHint(spec: ExperimentSpec): ExperimentSpec {
  const rest = { ...spec };
  delete rest.$schema;
  return rest;
}

function roundTrip(spec: ExperimentSpec): ReturnType<typeof buildSpec> {
  return buildSpec(formFromSpec(spec, STRATEGIES), STRATEGIES, SHAPES);
}

const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    spec: ExperimentSpecSchema.parse(JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8'))),
  }));

describe('a spec the user does not touch comes back from the designer unchanged', () => {
  it('finds the built-in examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples)('$file', ({ spec }) => {
    const built = roundTrip(spec);
    expect(built.problems).toEqual({});
    // Exactly what was given, default-valued strategy parameters included (digits' freezeLayers 0).
    expect(built.spec).toEqual(withoutSchemaHint(spec));
    expect(ExperimentSpecSchema.parse(built.spec)).toEqual(withoutSchemaHint(spec));
  });

  it('keeps a CNN and early stopping, and training without sourceTraining (the source hash)', () => {
    const digits = examples.find((e) => e.file.startsWith('digits'))?.spec;
    if (!digits) throw new Error('no digits example');
    const spec: ExperimentSpec = {
      ...withoutSchemaHint(digits),
      model: { type: 'cnn', conv: [16, 8], dense: [32], kernelSize: 2 },
      training: {
        ...digits.training,
        earlyStopping: { monitor: 'val_acc', patience: 4, restoreBest: false },
      },
    };
    delete spec.sourceTraining;
    const built = roundTrip(spec);
    expect(built.problems).toEqual({});
    expect(built.spec).toEqual(spec);
    expect(ExperimentSpecSchema.parse(built.spec)).toEqual(spec);
  });
});
