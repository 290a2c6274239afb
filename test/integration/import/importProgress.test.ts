import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { call } from '../../../src-main/cli/session';
import { PROGRESS_INTERVAL_MS } from '../../../src-main/import/progress';
import type { ImportProgress } from '../../../src-main/import/types';
import { AppEventSchema, type DatasetImportProgressEvent } from '../../../src-shared/rpc/events';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

/**
 * 200k rows of 8 features (about 8 MB, 30 chunks of 256 KiB a pass): a second or more to
 * import, several throttled steps.
 */
async function writeBigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('a,b,c,d,e,f,g,h,label\n');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${i % 97},${(i * 7) % 13}.5,${i % 5},${(i * 31) % 1000},${i % 11}.25,${i % 1013},${(i * 3) % 17},${i % 2},c${i % 3}`,
    );
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

describe('dataset.importProgress events', () => {
  it('a big CSV import emits ordered, throttled events ending at done == total, with its importId', async () => {
    const workspaceDir = tempDir();
    const path = join(tempDir(), 'big.csv');
    await writeBigCsv(path, 200_000);
    const core = await openCore({ workspaceDir, transport: 'in-process', queue: 'none' });
    cores.push(core);
    const events: { at: number; event: DatasetImportProgressEvent }[] = [];
    core.onEvent((event) => {
      // Parsed as a client would: the event must satisfy the shared contract.
      const parsed = AppEventSchema.parse(JSON.parse(JSON.stringify(event)));
      if (parsed.type === 'dataset.importProgress') events.push({ at: Date.now(), event: parsed });
    });
    const cli: ImportProgress[] = [];
    core.onImportProgress((p) => cli.push(p));

    const started = Date.now();
    const result = await call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'csv' },
      importId: 'ui-import-1',
    });
    const took = Date.now() - started;
    expect(result.dataset.samples).toBe(200_000);

    // The first step goes out at once and the final one always: 2 whatever the machine's speed
    // (the throttle's timing itself is tested with a fake clock in progressReporter.test.ts).
    expect(events.length, `${events.length} events in ${took} ms`).toBeGreaterThanOrEqual(2);
    const list = events.map((e) => e.event);
    for (const e of list) {
      expect(e).toMatchObject({ importId: 'ui-import-1', file: 'big.csv', unit: 'bytes' });
      expect(e.done).toBeLessThanOrEqual(e.total);
    }
    // In order: every scan before every write, and `done` never goes back within a phase.
    const phases = list.map((e) => e.phase);
    expect(phases.lastIndexOf('scan')).toBeLessThan(phases.indexOf('write'));
    for (let i = 1; i < list.length; i++) {
      const [prev, next] = [list[i - 1], list[i]];
      if (prev?.phase === next?.phase) expect(next?.done).toBeGreaterThanOrEqual(prev?.done ?? 0);
    }
    // Throttled: at most one every PROGRESS_INTERVAL_MS (timer slack allowed), plus the final one.
    for (let i = 1; i < events.length - 1; i++) {
      const gap = (events[i]?.at ?? 0) - (events[i - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(PROGRESS_INTERVAL_MS - 5);
    }
    expect(events.length).toBeLessThanOrEqual(Math.ceil(took / PROGRESS_INTERVAL_MS) + 2);
    const last = list.at(-1);
    expect(last?.phase).toBe('write');
    expect(last?.done).toBe(last?.total);
    expect(last?.total).toBe(statSync(path).size);

    // The CLI's listener sees the same steps, but not the final report.
    expect(cli.length).toBe(events.length - 1);
    expect(cli.every((p) => !p.final)).toBe(true);
  });

  it('counts rows for other formats, ends with done == total, and omits importId when none was given', async () => {
    const workspaceDir = tempDir();
    const path = join(tempDir(), 'xy.json');
    const x = Array.from({ length: 50 }, (_, i) => [i, i % 7]);
    const y = x.map((_, i) => i % 2);
    writeFileSync(path, JSON.stringify({ x, y }));
    const core = await openCore({ workspaceDir, transport: 'in-process', queue: 'none' });
    cores.push(core);
    const events: DatasetImportProgressEvent[] = [];
    core.onEvent((e) => {
      if (e.type === 'dataset.importProgress') events.push(e);
    });
    await call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'json' },
    });
    const last = events.at(-1);
    expect(last).toEqual({
      type: 'dataset.importProgress',
      file: 'xy.json',
      phase: 'read',
      done: 50,
      total: 50,
      unit: 'rows',
    });
    expect(events.every((e) => !('importId' in e))).toBe(true);
  });

  it('refuses an importId that is not a plain token', async () => {
    const core = await openCore({
      workspaceDir: tempDir(),
      transport: 'in-process',
      queue: 'none',
    });
    cores.push(core);
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: join(tempDir(), 'x.csv') },
        options: { format: 'csv' },
        importId: 'has spaces',
      }),
    ).rejects.toThrow(/importId/);
  });
});
