import type Database from 'better-sqlite3';
import { migration001 } from './001_initial';
import { migration002 } from './002_transferability';
import { migration003 } from './003_input_adapter';
import { migration004 } from './004_run_logs';
import { migration005 } from './005_history';
import { migration006 } from './006_compare_reports';
import { migration007 } from './007_variants';
import { migration008 } from './008_queue';
import { migration009 } from './009_models';
import { migration010 } from './010_transferability_shrinkage';
import { migration011 } from './011_embeddings';
import { migration012 } from './012_experiment_archive';
import { migration013 } from './013_run_event_cursors';
import { migration014 } from './014_cluster_tasks';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** Append only: a released migration is never edited or reordered (migrate() checks). */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
];
