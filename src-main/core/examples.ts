import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExampleSpec } from '../../src-shared/domain/experiments';
import { parseSpec } from './experimentPlan';
import { resourcesDir } from './paths';

/** The example specs shipped in resources/examples, each validated like any spec file. */
export function listExamples(dir = join(resourcesDir(), 'examples')): ExampleSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const spec = parseSpec(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      return {
        id: basename(file, '.json'),
        title: spec.name,
        description: spec.description ?? '',
        spec,
      };
    });
}
