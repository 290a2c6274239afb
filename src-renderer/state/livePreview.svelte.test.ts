import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src-shared/rpc/api';
import type { DatasetPreview } from '../../src-shared/rpc/datasets';
import type { Result } from '../../src-shared/result';
import type { PreviewRequest } from '../lib/domainEditor';
import { LivePreview } from './livePreview.svelte';

/**
 * The domain editor's preview: the first request goes at once, later ones after the typing
 * settles; the latest request wins over slower earlier ones; the last preview stays meanwhile.
 */

const DELAY = 250;

interface Asked {
  request: PreviewRequest;
  answer: (result: Result<DatasetPreview>) => void;
}

/** An Api whose `datasets.preview` answers only when the spec says so. */
function fakeApi(): { api: Api; asked: Asked[] } {
  const asked: Asked[] = [];
  const methods: Partial<Api> = {
    'datasets.preview': (request) =>
      new Promise((answer) => {
        asked.push({ request, answer });
      }),
  };
  return { api: methods as Api, asked };
}

/** A tabular preview whose one row is `[value, label]`, so specs tell previews apart. */
function preview(value: number): DatasetPreview {
  return {
    kind: 'tabular',
    featureNames: ['x'],
    classCounts: [{ label: 0, count: 1 }],
    rows: [[value, 0]],
    histograms: [],
  };
}

const ok = (value: DatasetPreview): Result<DatasetPreview> => ({ ok: true, value });

function rotate(deg: number): PreviewRequest {
  return { id: 1, transform: { rotateDeg: deg }, perClass: 8, seed: 0 };
}

function asked(list: Asked[], index: number): Asked {
  const entry = list[index];
  if (!entry) throw new Error(`no request #${index} was made (${list.length} were)`);
  return entry;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LivePreview', () => {
  it('sends the first request at once and a burst of later ones as one', async () => {
    const { api, asked: requests } = fakeApi();
    const live = new LivePreview(api, DELAY);
    live.request(rotate(0));
    expect(live.loading).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    asked(requests, 0).answer(ok(preview(0)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.value).toEqual(preview(0));
    expect(live.loading).toBe(false);

    // Typing "45": two changes, one request once the typing settles.
    live.request(rotate(4));
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    live.request(rotate(45));
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(requests).toHaveLength(1);
    // The last preview stays while the next one loads.
    expect(live.value).toEqual(preview(0));
    expect(live.loading).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests.map((r) => r.request)).toEqual([rotate(0), rotate(45)]);
  });

  it('asks nothing for a form that did not change', async () => {
    const { api, asked: requests } = fakeApi();
    const live = new LivePreview(api, DELAY);
    live.request(rotate(10));
    await vi.advanceTimersByTimeAsync(0);
    asked(requests, 0).answer(ok(preview(10)));
    live.request(rotate(10));
    live.request({ ...rotate(10) });
    await vi.advanceTimersByTimeAsync(DELAY * 4);
    expect(requests).toHaveLength(1);
    expect(live.loading).toBe(false);
  });

  it('drops a slow answer to an earlier form once a later one has answered', async () => {
    const { api, asked: requests } = fakeApi();
    const live = new LivePreview(api, DELAY);
    live.request(rotate(0));
    await vi.advanceTimersByTimeAsync(0);
    asked(requests, 0).answer(ok(preview(0)));
    await vi.advanceTimersByTimeAsync(0);

    live.request(rotate(30));
    await vi.advanceTimersByTimeAsync(DELAY);
    live.request(rotate(60));
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(requests).toHaveLength(3);
    // The later request answers first; the earlier one's answer, arriving after, is stale.
    asked(requests, 2).answer(ok(preview(60)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.value).toEqual(preview(60));
    expect(live.loading).toBe(false);
    asked(requests, 1).answer(ok(preview(30)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.value).toEqual(preview(60));

    // An earlier request answering while a later one is in flight does not end the loading.
    live.request(rotate(90));
    await vi.advanceTimersByTimeAsync(DELAY);
    live.request(rotate(120));
    await vi.advanceTimersByTimeAsync(DELAY);
    asked(requests, 3).answer(ok(preview(90)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.value).toEqual(preview(60));
    expect(live.loading).toBe(true);
  });

  it('shows an error beside the last preview, and clears it with the next preview', async () => {
    const { api, asked: requests } = fakeApi();
    const live = new LivePreview(api, DELAY);
    live.request(rotate(0));
    await vi.advanceTimersByTimeAsync(0);
    asked(requests, 0).answer(ok(preview(0)));
    live.request(rotate(15));
    await vi.advanceTimersByTimeAsync(DELAY);
    asked(requests, 1).answer({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Bad transform.',
        issues: [{ path: 'transform.rotateDeg', message: 'too big' }],
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.error).toEqual({
      code: 'invalid_input',
      message: 'Bad transform.',
      issues: [{ path: 'transform.rotateDeg', message: 'too big' }],
    });
    expect(live.value).toEqual(preview(0));
    expect(live.loading).toBe(false);

    live.request(rotate(20));
    await vi.advanceTimersByTimeAsync(DELAY);
    asked(requests, 2).answer(ok(preview(20)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.error).toBeNull();
    expect(live.value).toEqual(preview(20));
  });

  it('after dispose sends nothing it had scheduled and keeps no late answer', async () => {
    const { api, asked: requests } = fakeApi();
    const live = new LivePreview(api, DELAY);
    live.request(rotate(0));
    await vi.advanceTimersByTimeAsync(0);
    live.dispose();
    asked(requests, 0).answer(ok(preview(0)));
    await vi.advanceTimersByTimeAsync(0);
    expect(live.value).toBeNull();

    const other = new LivePreview(api, DELAY);
    other.request(rotate(5));
    other.dispose();
    await vi.advanceTimersByTimeAsync(DELAY * 2);
    expect(requests).toHaveLength(1);
  });
});
