import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentSpecInput } from '../../src-shared/domain/experimentSpec';
import type { Api } from '../../src-shared/rpc/api';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { PlanInput, PlanSummary } from '../../src-shared/rpc/plan';
import type { Result } from '../../src-shared/result';
import { DesignerPlan } from './plan.svelte';

/**
 * The designer's plan: asked for once the form has been still for a moment; an answer for a spec
 * the form no longer holds is never shown as the current plan; calibration reports its own
 * progress only, then plans what the form holds by then.
 */

const DELAY = 400;

interface Asked {
  input: PlanInput;
  answer: (result: Result<PlanSummary>) => void;
}

function fakeApi(): {
  api: Api;
  asked: Asked[];
  answer: (index: number, result?: Result<PlanSummary>) => void;
  emit: (event: AppEvent) => void;
  listeners: () => number;
} {
  const asked: Asked[] = [];
  const listeners = new Set<(event: AppEvent) => void>();
  const methods: Partial<Api> = {
    'experiments.plan': (input) =>
      new Promise((answer) => {
        asked.push({ input, answer });
      }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  const answer = (index: number, result?: Result<PlanSummary>): void => {
    const entry = asked[index];
    if (!entry) throw new Error(`no request #${index} was made (${asked.length} were)`);
    entry.answer(result ?? { ok: true, value: planOf(entry.input.spec) });
  };
  return {
    api: methods as Api,
    asked,
    answer,
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    listeners: () => listeners.size,
  };
}

function spec(seeds: number[]): ExperimentSpecInput {
  return {
    name: 'digits',
    sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
    targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
    strategies: [{ id: 'scratch' }],
    seeds,
  };
}

/** The plan of a spec: one run per seed, so a plan names the spec it answers. */
function planOf(input: unknown): PlanSummary {
  const seeds = (input as ExperimentSpecInput).seeds ?? [0];
  return {
    sourceRuns: 0,
    reusedSourceRuns: [],
    newSourceRuns: 0,
    transferRuns: seeds.length,
    queuedRuns: seeds.length,
    variants: [],
    estimate: null,
    estimateNote: null,
  };
}

const json = (s: ExperimentSpecInput): string => JSON.stringify(s);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DesignerPlan', () => {
  it('plans the spec once the form has been still, one request for a burst of edits', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    expect(plan.loading).toBe(true);
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    plan.update(spec([0, 1]));
    plan.update(spec([0, 1, 2]));
    // The same spec again (a re-render) changes nothing.
    plan.update(spec([0, 1, 2]));
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(asked).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked.map((a) => a.input)).toEqual([{ spec: spec([0, 1, 2]), estimate: 'history' }]);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(plan.loading).toBe(false);
    expect(plan.current?.json).toBe(json(spec([0, 1, 2])));
    expect(plan.current?.result).toEqual({ ok: true, value: planOf(spec([0, 1, 2])) });
  });

  it('never shows the plan of a spec the form no longer holds', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    await vi.advanceTimersByTimeAsync(DELAY);
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(plan.current?.json).toBe(json(spec([0])));

    // The form changes: the answer there is for another spec, at once.
    plan.update(spec([0, 1]));
    expect(plan.current).toBeNull();
    await vi.advanceTimersByTimeAsync(DELAY);
    plan.update(spec([0, 1, 2]));
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(asked).toHaveLength(3);
    // The answer for [0, 1] arrives after the form moved on: dropped, still loading.
    answer(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(plan.answer?.json).toBe(json(spec([0])));
    expect(plan.current).toBeNull();
    expect(plan.loading).toBe(true);
    answer(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(plan.current?.json).toBe(json(spec([0, 1, 2])));
    expect(plan.loading).toBe(false);
  });

  it('plans nothing while the form has problems, and drops what was on its way', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    await vi.advanceTimersByTimeAsync(DELAY);
    plan.update(null);
    expect(plan.loading).toBe(false);
    answer(0);
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(plan.current).toBeNull();
    expect(plan.answer).toBeNull();
    expect(await plan.now()).toBeNull();
    await plan.calibrate();
    expect(asked).toHaveLength(1);
  });

  it('keeps a refused spec’s error as its answer', async () => {
    const { api, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    await vi.advanceTimersByTimeAsync(DELAY);
    answer(0, {
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Bad spec.',
        issues: [{ path: 'seeds', message: 'too many' }],
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(plan.loading).toBe(false);
    expect(plan.current?.result).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Bad spec.',
        issues: [{ path: 'seeds', message: 'too many' }],
      },
    });
  });

  it('now() gives the settled answer as it is, and asks at once rather than waiting', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    const asking = plan.now();
    expect(asked).toHaveLength(1);
    answer(0);
    const first = await asking;
    expect(first?.json).toBe(json(spec([0])));
    // The timer it replaced asks nothing more.
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(asked).toHaveLength(1);
    expect(await plan.now()).toBe(first);
    expect(asked).toHaveLength(1);
  });

  it('calibrates with its own request id, shows only its own progress, then re-plans', async () => {
    const { api, asked, answer, emit, listeners } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    const stop = plan.listen();
    plan.update(spec([0]));
    const calibrating = plan.calibrate();
    expect(plan.calibrating).toBe(true);
    const request = asked[0]?.input;
    expect(request).toMatchObject({ spec: spec([0]), estimate: 'calibrate' });
    const requestId = request?.requestId;
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);

    emit({
      type: 'plan.calibration',
      requestId: 'another-window',
      done: 9,
      total: 9,
      message: 'x',
    });
    expect(plan.progress).toBeNull();
    emit({ type: 'plan.calibration', requestId, done: 1, total: 3, message: 'Timing scratch' });
    expect(plan.progress).toEqual({ done: 1, total: 3, message: 'Timing scratch' });

    // The form changes while the runs are timed: the calibrated answer is for the old spec.
    plan.update(spec([0, 1]));
    answer(0);
    await vi.advanceTimersByTimeAsync(0);
    const replan = asked[1]?.input;
    expect(replan).toEqual({ spec: spec([0, 1]), estimate: 'history' });
    expect(plan.calibrating).toBe(true);
    answer(1);
    await calibrating;
    expect(plan.calibrating).toBe(false);
    expect(plan.progress).toBeNull();
    expect(plan.current?.json).toBe(json(spec([0, 1])));

    // Progress that comes after the calibration ended is not shown.
    emit({ type: 'plan.calibration', requestId, done: 3, total: 3, message: 'done' });
    expect(plan.progress).toBeNull();
    stop();
    expect(listeners()).toBe(0);
    plan.dispose();
  });

  it('calibrates once at a time, and keeps its answer when the form stayed', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    const calibrating = plan.calibrate();
    await plan.calibrate();
    expect(asked).toHaveLength(1);
    answer(0);
    await calibrating;
    expect(asked).toHaveLength(1);
    expect(plan.current?.json).toBe(json(spec([0])));
    // The debounced request was replaced by the calibration.
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(asked).toHaveLength(1);
  });

  it('after dispose keeps no late answer and asks nothing it had scheduled', async () => {
    const { api, asked, answer } = fakeApi();
    const plan = new DesignerPlan(api, DELAY);
    plan.update(spec([0]));
    await vi.advanceTimersByTimeAsync(DELAY);
    plan.update(spec([1]));
    plan.dispose();
    answer(0);
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(asked).toHaveLength(1);
    expect(plan.answer).toBeNull();
  });
});
