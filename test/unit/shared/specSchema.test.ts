import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourcesDir } from '../../../src-main/core/paths';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import { experimentSpecJsonSchema } from '../../../src-shared/domain/specJsonSchema';

describe('the published experiment spec schema', () => {
  it('is up to date with the zod schema (run `npm run schema` after changing it)', () => {
    const file = join(resourcesDir(), 'schema', 'experiment-spec.schema.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(experimentSpecJsonSchema());
  });

  it('documents the defaults a spec file may leave out', () => {
    const parsed = ExperimentSpecSchema.parse({
      name: 'minimal',
      sources: [{ name: 's', dataset: 'digits' }],
      targets: [{ name: 't', dataset: 'digits' }],
      strategies: [{ id: 'scratch' }],
    });
    expect(parsed.budgets).toEqual(['all']);
    expect(parsed.seeds).toEqual([0]);
    expect(parsed.model).toEqual({ type: 'mlp', hidden: [64], activation: 'relu' });
    expect(parsed.training).toEqual({
      epochs: 20,
      learningRate: 0.001,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'auto',
    });
    expect(parsed.sources[0]?.splitSeed).toBe(0);
    const schema = experimentSpecJsonSchema() as { properties: { seeds: { default: unknown } } };
    expect(schema.properties.seeds.default).toEqual([0]);
  });

  it('refuses unknown keys, so a typo in a spec file is an error rather than ignored', () => {
    const result = ExperimentSpecSchema.safeParse({
      name: 'typo',
      sources: [{ name: 's', dataset: 'digits' }],
      targets: [{ name: 't', dataset: 'digits' }],
      strategies: [{ id: 'scratch' }],
      epochs: 10,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/Unrecognized key/);
  });
});
