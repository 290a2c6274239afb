import {
  CompareInputSchema,
  type ChartSetup,
  type CompareInput,
} from '../../src-shared/rpc/compare';
import type { Db } from './db';
import { nowIso, readJson } from './json';

interface SetupRow {
  id: number;
  name: string;
  input: string;
  updated_at: string;
}

const fromRow = (row: SetupRow): ChartSetup => ({
  id: row.id,
  name: row.name,
  input: readJson(CompareInputSchema, row.input, `chart setup "${row.name}"`),
  updatedAt: row.updated_at,
});

/** The Compare view's saved setups, by name. */
export function listChartSetups(db: Db): ChartSetup[] {
  const rows = db
    .prepare('SELECT id, name, input, updated_at FROM chart_setups ORDER BY name COLLATE NOCASE')
    .all() as SetupRow[];
  return rows.map(fromRow);
}

/** Saves a setup; a name already taken is replaced (its id is kept). */
export function saveChartSetup(db: Db, name: string, input: CompareInput): ChartSetup {
  const parsed = CompareInputSchema.parse(input);
  const row = db
    .prepare(
      `INSERT INTO chart_setups (name, input, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET input = excluded.input, updated_at = excluded.updated_at
       RETURNING id, name, input, updated_at`,
    )
    .get(name, JSON.stringify(parsed), nowIso()) as SetupRow;
  return fromRow(row);
}

export function deleteChartSetup(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM chart_setups WHERE id = ?').run(id).changes > 0;
}
