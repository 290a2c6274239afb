import { z } from 'zod';
import { ExperimentSpecSchema } from './experimentSpec';

/** The published JSON Schema of spec files (what a file may contain, before defaults). */
export function experimentSpecJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ExperimentSpecSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://transferlab.invalid/schema/experiment-spec.schema.json',
    title: 'Transferlab experiment spec',
  };
}
