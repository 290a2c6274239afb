import { describe, expect, it } from 'vitest';
import type { AppEvent, DatasetImportProgressEvent } from '../../../src-shared/rpc/events';
import {
  importProgressView,
  newImportId,
  watchImportProgress,
  type ImportProgressView,
} from '../../../src-renderer/state/importProgress';
import { ImportInputSchema } from '../../../src-shared/rpc/datasets';

/** The event stream of an Api, driven by the test. */
function fakeEvents() {
  const listeners = new Set<(e: AppEvent) => void>();
  return {
    onEvent: (listener: (e: AppEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push: (e: AppEvent) => {
      for (const l of listeners) l(e);
    },
    get count() {
      return listeners.size;
    },
  };
}

function progress(p: Partial<DatasetImportProgressEvent>): DatasetImportProgressEvent {
  return {
    type: 'dataset.importProgress',
    importId: 'mine',
    file: 'big.csv',
    phase: 'scan',
    done: 0,
    total: 1024 * 1024,
    unit: 'bytes',
    ...p,
  };
}

describe('import progress in the renderer', () => {
  it("follows its own import's events in order and ignores others", () => {
    const events = fakeEvents();
    const views: ImportProgressView[] = [];
    const stop = watchImportProgress(events.onEvent, 'mine', (v) => views.push(v));
    const MiB = 1024 * 1024;
    events.push(progress({ phase: 'scan', done: MiB / 2, total: MiB }));
    events.push(progress({ importId: 'theirs', phase: 'write', done: MiB, total: MiB }));
    events.push(progress({ importId: undefined, phase: 'write', done: MiB, total: MiB }));
    events.push({ type: 'experiment.created', experimentId: 3 });
    events.push(progress({ phase: 'write', done: MiB / 4, total: MiB }));
    events.push(progress({ phase: 'write', done: MiB, total: MiB }));
    expect(views).toEqual([
      { fraction: 0.25, text: 'Pass 1/2: scanning', detail: '512.0 KiB of 1.0 MiB' },
      { fraction: 0.625, text: 'Pass 2/2: writing', detail: '256.0 KiB of 1.0 MiB' },
      { fraction: 1, text: 'Pass 2/2: writing', detail: '1.0 MiB of 1.0 MiB' },
    ]);
    stop();
    expect(events.count).toBe(0);
    events.push(progress({ phase: 'scan', done: 1 }));
    expect(views).toHaveLength(3);
  });

  it('shows a count without a bar while the total is not known, and a bar once it is', () => {
    expect(
      importProgressView(progress({ phase: 'read', done: 1200, total: 0, unit: 'rows' })),
    ).toEqual({
      fraction: null,
      text: 'Reading 1,200 rows',
      detail: '1,200',
    });
    expect(
      importProgressView(progress({ phase: 'read', done: 30, total: 40, unit: 'files' })).fraction,
    ).toBe(0.75);
  });

  it('makes ids the import input accepts, different each time', () => {
    const a = newImportId();
    expect(a).not.toBe(newImportId());
    const input = {
      file: { kind: 'path', path: '/x.csv' },
      options: { format: 'csv' },
      importId: a,
    };
    expect(ImportInputSchema.safeParse(input).success).toBe(true);
  });
});
