import { AppFailure } from '../../src-shared/result';
import type { Db } from '../store/db';
import {
  findModelByName,
  findModelsByHashPrefix,
  getModel,
  listModels,
  type ModelRecord,
} from '../store/models';

/** The shortest file-hash prefix a user may give (as with git, short but rarely ambiguous). */
const MIN_PREFIX = 6;

/**
 * The imported model a user names (CLI, spec, UI): `m<id>`, its name, or the start of its file
 * hash. Ambiguity and absence are refused with what exists, never guessed.
 */
export function resolveModelRef(db: Db, ref: string, where = 'model'): ModelRecord {
  const byId = /^m(\d+)$/.exec(ref);
  if (byId) {
    const model = getModel(db, Number(byId[1]));
    if (model) return model;
  }
  const named = findModelByName(db, ref);
  if (named) return named;
  if (/^[0-9a-f]+$/i.test(ref) && ref.length >= MIN_PREFIX) {
    const matches = findModelsByHashPrefix(db, ref);
    const only = matches[0];
    if (matches.length === 1 && only) return only;
    if (matches.length > 1) {
      throw new AppFailure('invalid_input', `"${ref}" starts the hash of several models.`, [
        {
          path: where,
          message: `ambiguous: ${matches.map((m) => `m${m.id}`).join(', ')}; give more of the hash`,
        },
      ]);
    }
  }
  const known = listModels(db).map((m) => `m${m.id} "${m.name}"`);
  throw new AppFailure('not_found', `No imported model "${ref}".`, [
    {
      path: where,
      message:
        known.length === 0
          ? `no model "${ref}": none is imported yet (transferlab models import <file>)`
          : `no model "${ref}"; imported: ${known.join(', ')}`,
    },
  ]);
}
