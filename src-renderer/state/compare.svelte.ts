import type { Api } from '../../src-shared/rpc/api';
import type { ChartSetup, CompareOptions, Comparison } from '../../src-shared/rpc/compare';
import type { AppError, Result } from '../../src-shared/result';
import {
  compareRequest,
  DEFAULT_OPTIONS,
  isEmptySelection,
  makeSelection,
  optionsOf,
  sameSelection,
  type Selection,
} from '../lib/compareInput';
import { Resource } from './resource.svelte';

/**
 * The Compare view's state: what is compared (the selection, mirrored in the URL), how (the
 * options), and the server's answer. Every change re-runs `compare.run` after a short pause, so
 * a burst of clicks costs one request; answers to superseded requests are dropped. The last
 * comparison stays on screen while the next one is computed, so nothing jumps.
 */
export class CompareState {
  selection = $state.raw<Selection>(makeSelection([], []));
  options = $state.raw<CompareOptions>({ ...DEFAULT_OPTIONS });
  comparison = $state.raw<Comparison | null>(null);
  error = $state.raw<AppError | null>(null);
  /** A request is scheduled or in flight. */
  pending = $state(false);
  /** The saved setup the view was opened from (the URL's `setup`). */
  appliedSetup = $state<number | null>(null);
  readonly setups: Resource<ChartSetup[]>;
  readonly empty: boolean = $derived(isEmptySelection(this.selection));

  readonly #api: Api;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;

  constructor(api: Api, delayMs = 250) {
    this.#api = api;
    this.#delayMs = delayMs;
    this.setups = new Resource(() => api['compare.setups.list']({}));
  }

  /** Sets what is compared; an empty selection clears the comparison. */
  select(selection: Selection): void {
    if (sameSelection(selection, this.selection)) return;
    this.selection = selection;
    if (this.empty) {
      this.#cancel();
      this.comparison = null;
      this.error = null;
      return;
    }
    this.schedule(0);
  }

  setOptions(patch: Partial<CompareOptions>): void {
    this.options = { ...this.options, ...patch };
    if (!this.empty) this.schedule();
  }

  /** Opens a saved setup: its options, and its selection unless `selection` overrides it. */
  applySetup(setup: ChartSetup, selection?: Selection): void {
    this.appliedSetup = setup.id;
    this.options = optionsOf(setup.input);
    const saved = makeSelection(setup.input.selection.experimentIds, setup.input.selection.runIds);
    const next = selection !== undefined && !isEmptySelection(selection) ? selection : saved;
    this.selection = next;
    if (!this.empty) this.schedule(0);
  }

  /** Re-runs the comparison (e.g. after runs of the selection finished). */
  refresh(): void {
    if (!this.empty) this.schedule();
  }

  schedule(delayMs: number = this.#delayMs): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.pending = true;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.run();
    }, delayMs);
  }

  async run(): Promise<void> {
    if (this.empty) return;
    const seq = ++this.#seq;
    this.pending = true;
    const result = await this.#api['compare.run'](compareRequest(this.selection, this.options));
    if (seq !== this.#seq) return;
    this.pending = this.#timer !== null;
    if (result.ok) {
      this.comparison = result.value;
      this.error = null;
    } else {
      this.error = result.error;
    }
  }

  /** Saves the current selection and options under `name` (an existing name is replaced). */
  async save(name: string): Promise<Result<ChartSetup>> {
    const result = await this.#api['compare.setups.save']({
      name,
      input: compareRequest(this.selection, this.options),
    });
    if (result.ok) {
      this.appliedSetup = result.value.id;
      await this.setups.load();
    }
    return result;
  }

  async remove(id: number): Promise<Result<{ deleted: boolean }>> {
    const result = await this.#api['compare.setups.delete']({ id });
    if (result.ok) {
      if (this.appliedSetup === id) this.appliedSetup = null;
      await this.setups.load();
    }
    return result;
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#seq++;
    this.pending = false;
  }

  dispose(): void {
    this.#cancel();
  }
}
