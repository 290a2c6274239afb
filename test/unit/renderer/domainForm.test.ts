import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type DomainSpec,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import {
  applyDomainOptions,
  domainOptionProblems,
  domainOptionsFromSpec,
} from '../../../src-renderer/lib/domainForm';
import { buildSpec, fieldOfPath, formFromSpec } from '../../../src-renderer/lib/specForm';

const digits: DomainSpec = { name: 'digits 5–9', dataset: 'digits', classes: [5, 6], splitSeed: 0 };

const example: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'Digits',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1] }],
  targets: [{ ...digits, split: 'random', samplesPerClass: 50, transform: { noiseStd: 0.1 } }],
  strategies: [{ id: 'fine-tune' }],
});

describe('domain options in the designer', () => {
  it('leaves what the example left unset unset, so the domain keeps its config hash', () => {
    expect(applyDomainOptions(digits, domainOptionsFromSpec(digits))).toEqual(digits);
    const target = example.targets[0];
    if (!target) throw new Error('no target');
    expect(applyDomainOptions(target, domainOptionsFromSpec(target))).toEqual(target);
  });

  it('writes split, subsample and transform into the domain, and drops emptied ones', () => {
    const target = example.targets[0];
    if (!target) throw new Error('no target');
    const changed = applyDomainOptions(target, {
      ...domainOptionsFromSpec(target),
      split: 'standard',
      samplesPerClass: null,
      rotateDeg: 30,
      noiseStd: null,
    });
    expect(changed).toEqual({ ...digits, split: 'standard', transform: { rotateDeg: 30 } });
  });

  it('puts each option problem next to its input', () => {
    const form = formFromSpec(example, STRATEGIES);
    const options = form.targetOptions[0];
    if (!options) throw new Error('no options');
    options.samplesPerClass = 2.5;
    options.rotateDeg = 400;
    options.noiseStd = -1;
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec).toBeNull();
    expect(Object.keys(built.problems).sort()).toEqual([
      'domain:targets.0.noiseStd',
      'domain:targets.0.rotateDeg',
      'domain:targets.0.samplesPerClass',
    ]);
  });

  it('refuses a rotation of a dataset that is not an image, and sends a valid one', () => {
    const form = formFromSpec(example, STRATEGIES);
    const options = form.sourceOptions[0];
    if (!options) throw new Error('no options');
    options.rotateDeg = 45;
    const flat = buildSpec(form, STRATEGIES, new Map([['digits', [64]]]));
    expect(flat.problems['domain:sources.0.rotateDeg']?.[0]).toMatch(/image datasets only/);
    const image = buildSpec(form, STRATEGIES, new Map([['digits', [8, 8]]]));
    expect(image.problems).toEqual({});
    expect(image.spec?.sources[0]?.transform).toEqual({ rotateDeg: 45 });
    const synthetic: DomainSpec = {
      name: 's',
      dataset: {
        generator: 'linear-binary',
        features: 4,
        samples: 40,
        taskSeed: 1,
        angleDeg: 0,
        noise: 0,
      },
      splitSeed: 0,
    };
    const noise = { ...domainOptionsFromSpec(synthetic), noiseStd: 1 };
    expect(domainOptionProblems(noise, undefined)).toEqual([]);
    expect(domainOptionProblems({ ...noise, rotateDeg: 10 }, undefined)).toHaveLength(1);
  });

  it('places the server issues of a domain option on its input', () => {
    expect(fieldOfPath(['spec', 'targets', 0, 'transform', 'rotateDeg'])).toBe(
      'domain:targets.0.rotateDeg',
    );
    expect(fieldOfPath(['sources', 1, 'samplesPerClass'])).toBe('domain:sources.1.samplesPerClass');
    expect(fieldOfPath(['sources', 1, 'split'])).toBe('domain:sources.1.split');
    expect(fieldOfPath(['sources', 0, 'classes'])).toBe('domains');
  });
});
