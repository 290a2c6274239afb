/**
 * Writes resources/schema/experiment-spec.schema.json from the zod schema, the single source of
 * truth. `npm run schema` runs it; test/unit/shared/specSchema.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentSpecJsonSchema } from '../src-shared/domain/specJsonSchema';

const file = join(import.meta.dirname, '..', 'resources', 'schema', 'experiment-spec.schema.json');
writeFileSync(file, `${JSON.stringify(experimentSpecJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
