import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpecInput,
} from '../../../src-shared/domain/experimentSpec';
import { experimentSpecJsonSchema } from '../../../src-shared/domain/specJsonSchema';
import { formatSettingValue, impliedVariantLabel } from '../../../src-shared/domain/variantLabel';
import { expandVariants } from '../../../src-shared/domain/variants';

const base: ExperimentSpecInput = {
  name: 'v',
  sources: [{ name: 's', dataset: 'digits', classes: [0, 1] }],
  targets: [{ name: 't', dataset: 'digits', classes: [2, 3] }],
  strategies: [{ id: 'scratch' }],
  training: { learningRate: 0.001 },
};

function variantsOf(strategies: ExperimentSpecInput['strategies']) {
  return expandVariants(ExperimentSpecSchema.parse({ ...base, strategies }));
}

describe('variants of a spec (issue 10)', () => {
  it('labels each entry from what differs from the defaults, stably', () => {
    const { variants, problems } = variantsOf([
      { id: 'fine-tune' },
      { id: 'fine-tune', params: { l2sp: 0.01 } },
      { id: 'mmd', params: { lambda: 0.1 } },
      { id: 'mmd', params: { lambda: 3, layer: 1 }, training: { learningRate: 1e-4 } },
      // A parameter written out at its default adds nothing to the label.
      { id: 'scratch', params: {}, training: { learningRate: 0.001 } },
    ]);
    expect(problems).toEqual([]);
    expect(variants.map((v) => v.label)).toEqual([
      'fine-tune',
      'fine-tune · l2sp λ=0.01',
      'mmd · λ=0.1',
      'mmd · λ=3, layer=1, lr=1e-4',
      'scratch',
    ]);
    // The override reaches the variant's training; the rest is the spec's.
    expect(variants[3]?.training).toMatchObject({ learningRate: 1e-4, epochs: 20, batchSize: 32 });
    // Stable: another entry beside it does not change a label.
    expect(variantsOf([{ id: 'mmd', params: { lambda: 0.1 } }]).variants[0]?.label).toBe(
      'mmd · λ=0.1',
    );
  });

  it('keeps a given label, and names early stopping and optimizer overrides', () => {
    const { variants } = variantsOf([
      { id: 'fine-tune', label: 'L2-SP (paper)', params: { l2sp: 0.01 } },
      {
        id: 'fine-tune',
        training: { optimizer: 'sgd', earlyStopping: { monitor: 'val_acc', patience: 5 } },
      },
    ]);
    expect(variants.map((v) => v.label)).toEqual([
      'L2-SP (paper)',
      'fine-tune · sgd, early stop val_acc p=5',
    ]);
  });

  it('refuses two variants with one label, and two labels for the same settings', () => {
    expect(
      variantsOf([{ id: 'fine-tune' }, { id: 'fine-tune', params: { l2sp: 0 } }]).problems,
    ).toEqual([
      {
        path: 'strategies.1',
        message:
          'its variant "fine-tune" has the label of a variant of strategies.0; give one entry a "label"',
      },
    ]);
    expect(
      variantsOf([{ id: 'fine-tune' }, { id: 'fine-tune', label: 'plain', params: { l2: 0 } }])
        .problems,
    ).toEqual([
      {
        path: 'strategies.1',
        message:
          'variant "plain" has the same settings as "fine-tune" (strategies.0): the same runs twice',
      },
    ]);
  });

  it('expands a grid sweep into every combination, swept values always in the label', () => {
    const { variants, problems } = variantsOf([
      { id: 'mmd', sweep: { lambda: [0.1, 1, 10], learningRate: [1e-3, 1e-4] } },
    ]);
    expect(problems).toEqual([]);
    expect(variants).toHaveLength(6);
    // λ = 1 is the default, and lr = 1e-3 the spec's: shown anyway, since they are swept.
    expect(variants.map((v) => v.label)).toEqual([
      'mmd · λ=0.1, lr=0.001',
      'mmd · λ=0.1, lr=1e-4',
      'mmd · λ=1, lr=0.001',
      'mmd · λ=1, lr=1e-4',
      'mmd · λ=10, lr=0.001',
      'mmd · λ=10, lr=1e-4',
    ]);
    expect(variants[1]).toMatchObject({
      params: { lambda: 0.1 },
      training: { learningRate: 1e-4 },
      swept: { lambda: 0.1, learningRate: 1e-4 },
    });
    // A labelled entry's variants add only the swept values to its label.
    expect(
      variantsOf([{ id: 'coral', label: 'CORAL', sweep: { lambda: [1, 100] } }]).variants.map(
        (v) => v.label,
      ),
    ).toEqual(['CORAL · λ=1', 'CORAL · λ=100']);
  });

  it('draws a seeded random search, log-uniform where the parameter says so', () => {
    const spec = (seed: number) => [
      {
        id: 'mmd' as const,
        randomSearch: {
          count: 200,
          seed,
          ranges: { lambda: { min: 0.01, max: 100 }, layer: { min: 0, max: 1 } },
        },
      },
    ];
    const a = variantsOf(spec(7));
    expect(a.problems).toEqual([]);
    // The same seed draws the same variants; another seed others.
    expect(variantsOf(spec(7)).variants.map((v) => v.label)).toEqual(
      a.variants.map((v) => v.label),
    );
    expect(variantsOf(spec(8)).variants.map((v) => v.label)).not.toEqual(
      a.variants.map((v) => v.label),
    );
    const lambdas = a.variants.map((v) => Number(v.params.lambda));
    for (const l of lambdas) {
      expect(l).toBeGreaterThanOrEqual(0.01);
      expect(l).toBeLessThanOrEqual(100);
      // Rounded to 3 significant digits, so the label shows the exact value used.
      expect(Number(l.toPrecision(3))).toBe(l);
    }
    // Log-uniform over 4 decades: about a quarter of the draws in each; uniform would put 99 %
    // above 1.
    const belowOne = lambdas.filter((l) => l < 1).length / lambdas.length;
    expect(belowOne).toBeGreaterThan(0.35);
    expect(belowOne).toBeLessThan(0.65);
    expect(new Set(a.variants.map((v) => v.params.layer))).toEqual(new Set([0, 1]));
  });

  it('refuses a log-uniform range that reaches zero, and ranges outside the parameter’s', () => {
    expect(
      variantsOf([
        { id: 'mmd', randomSearch: { count: 3, ranges: { lambda: { min: 0, max: 1 } } } },
      ]).problems,
    ).toEqual([
      {
        path: 'strategies.0.randomSearch.ranges.lambda',
        message: 'drawn log-uniformly, so min must be > 0 (or set "log": false)',
      },
    ]);
    expect(
      variantsOf([
        {
          id: 'mmd',
          randomSearch: { count: 3, ranges: { lambda: { min: 0, max: 1, log: false } } },
        },
      ]).problems,
    ).toEqual([]);
    expect(
      variantsOf([
        { id: 'coral', randomSearch: { count: 3, ranges: { lambda: { min: 1, max: 1e9 } } } },
      ]).problems,
    ).toEqual([
      {
        path: 'strategies.0.randomSearch.ranges.lambda',
        message: 'the range must lie within [0, 100000]',
      },
    ]);
  });

  it('formats values briefly and exactly', () => {
    expect(['0.01', '1e-4', '2.5e-5', '100000', '0.333333', 'on', 'sgd']).toEqual([
      formatSettingValue(0.01),
      formatSettingValue(1e-4),
      formatSettingValue(2.5e-5),
      formatSettingValue(100000),
      formatSettingValue(1 / 3),
      formatSettingValue(true),
      formatSettingValue('sgd'),
    ]);
  });

  it('implies a recorded run’s label from its config', () => {
    expect(
      impliedVariantLabel('transfer', 'fine-tune', { strategyParams: { l2sp: 0.01, l2: 0 } }),
    ).toBe('fine-tune · l2sp λ=0.01');
    expect(
      impliedVariantLabel('transfer', 'mmd', { strategyParams: { lambda: 1, layer: 0 } }),
    ).toBe('mmd');
    expect(impliedVariantLabel('source', 'source', {})).toBe('source');
    expect(impliedVariantLabel('transfer', 'no-such', null)).toBe('no-such');
  });
});

describe('the spec schema types each strategy’s parameters', () => {
  it('refuses an unknown or out-of-range parameter where it is written', () => {
    const issues = (strategies: unknown): string[] => {
      const parsed = ExperimentSpecSchema.safeParse({ ...base, strategies });
      return parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues([{ id: 'fine-tune', params: { freezeLayer: 1, l2sp: -5 } }])).toEqual([
      'strategies.0.params.l2sp: Too small: expected number to be >=0',
      'strategies.0.params: Unrecognized key: "freezeLayer"',
    ]);
    expect(issues([{ id: 'mmd', sweep: { lambda: [0.1, -1] } }])).toEqual([
      'strategies.0.sweep.lambda.1: Too small: expected number to be >=0',
    ]);
    expect(issues([{ id: 'scratch', sweep: { lambda: [1] } }])).toEqual([
      'strategies.0.sweep: Unrecognized key: "lambda"',
      'strategies.0.sweep: a sweep lists at least one parameter',
    ]);
  });

  it('publishes the per-strategy parameters in the JSON Schema', () => {
    const text = JSON.stringify(experimentSpecJsonSchema());
    const schema = JSON.parse(text) as {
      properties: { strategies: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } };
    };
    const options = (schema.properties.strategies.items.oneOf ??
      schema.properties.strategies.items.anyOf ??
      []) as {
      properties: {
        id: { const: string };
        params: { properties: Record<string, { minimum?: number }>; additionalProperties: boolean };
      };
    }[];
    const fineTune = options.find((o) => o.properties.id.const === 'fine-tune');
    expect(fineTune?.properties.params.additionalProperties).toBe(false);
    expect(fineTune?.properties.params.properties.l2sp?.minimum).toBe(0);
    expect(Object.keys(fineTune?.properties.params.properties ?? {})).toContain('freezeLayers');
  });
});
