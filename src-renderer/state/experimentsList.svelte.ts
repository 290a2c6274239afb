import type { Api } from '../../src-shared/rpc/api';
import type { ExperimentDeletePreview } from '../../src-shared/rpc/experiments';
import type { AppError, Result } from '../../src-shared/result';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import {
  DEFAULT_EXPERIMENT_SORT,
  ExperimentSortSchema,
  filterExperiments,
  nextExperimentSort,
  sortExperiments,
  type ExperimentSort,
  type ExperimentSortKey,
} from '../lib/experimentSort';
import type { RunsStore } from './runs.svelte';

/** Where the list's sort and archive toggle are remembered between launches. */
export const EXPERIMENTS_LIST_STORAGE_KEY = 'transferlab.experiments.list';

interface Remembered {
  sort: ExperimentSort;
  showArchived: boolean;
}

function readRemembered(storage: Storage | null): Remembered {
  const fallback = { sort: DEFAULT_EXPERIMENT_SORT, showArchived: false };
  try {
    const raw = storage?.getItem(EXPERIMENTS_LIST_STORAGE_KEY);
    if (raw === null || raw === undefined) return fallback;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return fallback;
    const sort = ExperimentSortSchema.safeParse('sort' in value ? value.sort : undefined);
    const show = 'showArchived' in value && value.showArchived === true;
    return { sort: sort.success ? sort.data : DEFAULT_EXPERIMENT_SORT, showArchived: show };
  } catch {
    // Storage disabled or a value from another version: start from the defaults.
    return fallback;
  }
}

/**
 * The Experiments list (issue 14, point 5): what it shows (filter, archived or not, sort, the
 * last two remembered) and what can be done to a row (archive, delete). Experiments themselves
 * stay in the RunsStore, which every view shares; this edits its entries in place.
 */
export class ExperimentsList {
  readonly #api: Api;
  readonly #runs: RunsStore;
  readonly #storage: Storage | null;

  query = $state('');
  sort = $state<ExperimentSort>(DEFAULT_EXPERIMENT_SORT);
  showArchived = $state(false);

  // Methods, not field reads: the derivations run lazily, after the constructor set #runs.
  readonly archivedCount: number = $derived(this.#archived());
  readonly rows: ExperimentSummary[] = $derived(this.#visible());

  constructor(api: Api, runs: RunsStore, storage: Storage | null) {
    this.#api = api;
    this.#runs = runs;
    this.#storage = storage;
    const remembered = readRemembered(storage);
    this.sort = remembered.sort;
    this.showArchived = remembered.showArchived;
  }

  #archived(): number {
    return this.#runs.experimentList.filter((e) => e.archivedAt !== null).length;
  }

  #visible(): ExperimentSummary[] {
    return sortExperiments(
      filterExperiments(this.#runs.experimentList, this.query, this.showArchived),
      this.sort,
    );
  }

  sortBy(key: ExperimentSortKey): void {
    this.sort = nextExperimentSort(this.sort, key);
    this.#remember();
  }

  setShowArchived(show: boolean): void {
    this.showArchived = show;
    this.#remember();
  }

  #remember(): void {
    try {
      this.#storage?.setItem(
        EXPERIMENTS_LIST_STORAGE_KEY,
        JSON.stringify({ sort: this.sort, showArchived: this.showArchived }),
      );
    } catch {
      // Not persisted; still applied for this session.
    }
  }

  /** Archives or unarchives; the row updates at once from the answer. */
  async setArchived(id: number, archived: boolean): Promise<AppError | null> {
    const result = await this.#api['experiments.update']({ id, archived });
    if (!result.ok) return result.error;
    const entry = this.#runs.experiments[id];
    if (entry) entry.archivedAt = result.value.archivedAt;
    return null;
  }

  previewDelete(id: number): Promise<Result<ExperimentDeletePreview>> {
    return this.#api['experiments.deletePreview']({ id });
  }

  /** Deletes for good; on success the experiment and its runs leave every cache. */
  async delete(id: number): Promise<AppError | null> {
    const result = await this.#api['experiments.delete']({ id });
    if (!result.ok) return result.error;
    this.#runs.forgetRuns(result.value.deletedRuns);
    // Reflect on the $state proxy, as RunsStore.loadExperiments does.
    Reflect.deleteProperty(this.#runs.experiments, id);
    return null;
  }
}
