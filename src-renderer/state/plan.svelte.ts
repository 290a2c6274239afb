import type { ExperimentSpecInput } from '../../src-shared/domain/experimentSpec';
import type { Api } from '../../src-shared/rpc/api';
import type { PlanSummary } from '../../src-shared/rpc/plan';
import type { Result } from '../../src-shared/result';
import { LatestOnly } from '../lib/planView';
import { newImportId } from './importProgress';

export interface PlanAnswer {
  /** JSON of the spec it answers. */
  json: string;
  result: Result<PlanSummary>;
}

export interface CalibrationProgress {
  done: number;
  total: number;
  message: string;
}

/**
 * The designer's plan (experiments.plan, issue 10): asked for once the form has been still for a
 * moment, with the `history` estimate; a response for a spec the form no longer holds is dropped.
 * `calibrate` times short real runs on the server, with its progress from `plan.calibration`
 * events. The server computes the plan with the code that creates the experiment, so the count
 * shown is the count queued.
 */
export class DesignerPlan {
  /** The latest answer, for the spec whose JSON it names. */
  answer = $state.raw<PlanAnswer | null>(null);
  /** A request for the current spec is on its way (or waits for the form to settle). */
  loading = $state(false);
  calibrating = $state(false);
  progress = $state.raw<CalibrationProgress | null>(null);

  readonly #api: Api;
  readonly #delayMs: number;
  readonly #latest = new LatestOnly();
  /** Names this designer's calibration, so another client's progress is not shown here. */
  #calibrationId: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #spec: ExperimentSpecInput | null = null;
  /** JSON of the spec the form holds: reactive, so that `current` follows the form at once. */
  #json = $state<string | null>(null);

  constructor(api: Api, delayMs = 400) {
    this.#api = api;
    this.#delayMs = delayMs;
  }

  /** The answer for the spec the form holds now, or null (none yet, or a stale one). */
  get current(): PlanAnswer | null {
    return this.answer !== null && this.answer.json === this.#json ? this.answer : null;
  }

  /** The form's spec changed (null: the form has problems): plan it once it settles. */
  update(spec: ExperimentSpecInput | null): void {
    const json = spec === null ? null : JSON.stringify(spec);
    if (json === this.#json) return;
    this.#spec = spec;
    this.#json = json;
    this.#clearTimer();
    // Whatever is in flight answers an older spec now.
    this.#latest.next();
    if (spec === null || json === null) {
      this.loading = false;
      return;
    }
    this.loading = true;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#ask(spec, json, 'history');
    }, this.#delayMs);
  }

  /** The plan of the current spec, now: the answer already there, or a fresh one. */
  async now(): Promise<PlanAnswer | null> {
    const spec = this.#spec;
    const json = this.#json;
    if (spec === null || json === null) return null;
    if (this.current && !this.loading) return this.current;
    this.#clearTimer();
    return this.#ask(spec, json, 'history');
  }

  /** Times a short real run of each kind of run nothing has measured yet, then re-plans. */
  async calibrate(): Promise<void> {
    const spec = this.#spec;
    const json = this.#json;
    if (spec === null || json === null || this.calibrating) return;
    this.#clearTimer();
    this.calibrating = true;
    this.progress = null;
    this.#calibrationId = newImportId();
    try {
      const answer = await this.#ask(spec, json, 'calibrate', this.#calibrationId);
      // The form changed meanwhile: the timings are saved, so plan what it holds now with them.
      if (answer === null && this.#spec !== null && this.#json !== null)
        await this.#ask(this.#spec, this.#json, 'history');
    } finally {
      this.calibrating = false;
      this.progress = null;
    }
  }

  /** Follows the server's calibration progress; returns the unsubscribe function. */
  listen(): () => void {
    return this.#api.onEvent((event) => {
      if (
        event.type !== 'plan.calibration' ||
        !this.calibrating ||
        event.requestId !== this.#calibrationId
      )
        return;
      this.progress = { done: event.done, total: event.total, message: event.message };
    });
  }

  dispose(): void {
    this.#clearTimer();
    this.#latest.next();
  }

  /** Asks the server; the answer is kept only if no later request was made meanwhile. */
  async #ask(
    spec: ExperimentSpecInput,
    json: string,
    estimate: 'history' | 'calibrate',
    requestId?: string,
  ): Promise<PlanAnswer | null> {
    const sequence = this.#latest.next();
    this.loading = true;
    const result = await this.#api['experiments.plan']({
      spec,
      estimate,
      ...(requestId !== undefined ? { requestId } : {}),
    });
    if (!this.#latest.isLatest(sequence)) return null;
    this.loading = false;
    this.answer = { json, result };
    return this.answer;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
