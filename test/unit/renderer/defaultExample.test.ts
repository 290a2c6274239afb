import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import type { ExampleSpec } from '../../../src-shared/domain/experiments';
import { defaultExample } from '../../../src-renderer/lib/defaultExample';

/** The shipped examples, read as the server lists them (sorted by file name). */
function shippedExamples(): ExampleSpec[] {
  const dir = join(__dirname, '../../../resources/examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const spec = ExperimentSpecSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      return { id: basename(file, '.json'), title: spec.name, description: '', spec };
    });
}

/** Issue 14: the designer opens on an example where transfer works, when its data is here. */
describe('the example the designer opens on', () => {
  const examples = shippedExamples();

  it('is the positive Fashion-MNIST example when Fashion-MNIST is in the workspace', () => {
    expect(defaultExample(examples, null, ['digits', 'fashion-mnist'])?.id).toBe(
      'fashion-clean-to-noisy',
    );
  });

  it('falls back to the first example (built-in digits) without Fashion-MNIST', () => {
    expect(defaultExample(examples, null, ['digits'])?.id).toBe('digits-0-4-to-5-9');
  });

  it('is the one the route names, whatever the datasets', () => {
    expect(defaultExample(examples, 'related-synthetic-tasks', ['digits'])?.id).toBe(
      'related-synthetic-tasks',
    );
    expect(defaultExample(examples, 'no-such-example', ['digits'])?.id).toBe('digits-0-4-to-5-9');
  });
});
