import { describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS, progressReporter } from '../../../src-main/import/progress';
import type { ImportProgress } from '../../../src-main/import/types';

function setup(importId?: string) {
  let now = 1000;
  const seen: ImportProgress[] = [];
  const reporter = progressReporter(
    (p) => seen.push(p),
    { file: 'big.csv', importId },
    () => now,
  );
  return {
    seen,
    reporter,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('progressReporter', () => {
  it('passes the first step, then at most one per interval, and a final one at done == total', () => {
    const { seen, reporter, advance } = setup('a1');
    for (let i = 1; i <= 20; i++) {
      reporter.step({
        phase: i <= 10 ? 'scan' : 'write',
        done: (((i - 1) % 10) + 1) * 10,
        total: 100,
        unit: 'bytes',
      });
      advance(50);
    }
    // Steps at 0, 50, ..., 950 ms: the ones at 0, 200, 400, 600 and 800 go out.
    expect(seen.map((p) => [p.phase, p.done])).toEqual([
      ['scan', 10],
      ['scan', 50],
      ['scan', 90],
      ['write', 30],
      ['write', 70],
    ]);
    expect(PROGRESS_INTERVAL_MS).toBe(200);
    reporter.finish(1234);
    expect(seen.at(-1)).toEqual({
      phase: 'write',
      done: 100,
      total: 100,
      unit: 'bytes',
      file: 'big.csv',
      importId: 'a1',
      final: true,
    });
    // Nothing after the final report, not even a late step.
    reporter.step({ phase: 'write', done: 100, total: 100, unit: 'bytes' });
    reporter.finish(1);
    expect(seen).toHaveLength(6);
  });

  it('ends a count of unknown total with the rows written', () => {
    const { seen, reporter } = setup();
    reporter.step({ phase: 'read', done: 64, total: 0, unit: 'files' });
    reporter.finish(70);
    expect(seen.at(-1)).toEqual({
      phase: 'read',
      done: 70,
      total: 70,
      unit: 'files',
      file: 'big.csv',
      final: true,
    });
  });
});
