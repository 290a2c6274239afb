import { describe, expect, it } from 'vitest';
import { historySql } from '../../../src-main/store/runQuery';
import { getRun, listRuns, markStarted } from '../../../src-main/store/runs';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';
import { parseRunQuery, toRunQueryFilters } from '../../../src-shared/query/runQueryText';
import { historyWorkspace, type HistoryWorkspace } from '../../helpers/historyWorkspace';
import { CPU_DEVICE, H100_DEVICE, LAVAPIPE_DEVICE, environmentOn } from '../../helpers/runDevices';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const asc = { sort: { by: 'id', dir: 'asc' } } as const;

/**
 * historyWorkspace's runs as trainers record them (issue 15): A on lavapipe (webgpu), B wasm on
 * the CPU, C on an H100 (webgpu), D started before issue 15 (an environment without a device).
 */
function workspace(): HistoryWorkspace {
  const ws = historyWorkspace(tempDir());
  markStarted(ws.db, ws.ids.A, environmentOn('webgpu', LAVAPIPE_DEVICE), 'h');
  markStarted(ws.db, ws.ids.B, environmentOn('wasm', CPU_DEVICE), 'h');
  markStarted(ws.db, ws.ids.C, environmentOn('webgpu', H100_DEVICE), 'h');
  markStarted(ws.db, ws.ids.D, environmentOn('wasm'), 'h');
  return ws;
}

const typed = (ws: HistoryWorkspace, text: string): string[] => {
  const parsed = parseRunQuery(text);
  expect(parsed.problems).toEqual([]);
  return ws.letters({ ...asc, ...toRunQueryFilters(parsed) });
};

describe('the device every run used, in the Runs query (issue 15)', () => {
  it('filters on the backend and on the device label, by containment or exactly', () => {
    const ws = workspace();
    expect(typed(ws, 'backend:webgpu')).toEqual(['A', 'C']);
    expect(typed(ws, 'backend=wasm')).toEqual(['B', 'D']);
    expect(typed(ws, 'device:llvmpipe')).toEqual(['A']);
    // Case-insensitive, and commas give alternatives.
    expect(typed(ws, 'device:h100')).toEqual(['C']);
    expect(typed(ws, 'device:xeon,LLVMPIPE')).toEqual(['A', 'B']);
    expect(typed(ws, 'device:"software GPU"')).toEqual(['A']);
    // A run from before issue 15 recorded no device: no device filter matches it.
    expect(typed(ws, 'device:(')).toEqual(['A', 'B', 'C']);
    expect(typed(ws, 'backend:webgpu device:nvidia')).toEqual(['C']);
  });

  it('returns each row’s device as recorded, null where none was, from the page query', () => {
    const ws = workspace();
    const page = ws.query(asc);
    expect(page.rows.map((r) => r.device)).toEqual([
      LAVAPIPE_DEVICE,
      CPU_DEVICE,
      H100_DEVICE,
      null,
    ]);
    expect(page.rows[0]?.device?.label).toBe('llvmpipe-llvm-15-0-6-256-bits- (software GPU)');
    expect(page.rows[2]?.device?.label).toBe('NVIDIA H100 80GB HBM3 (nvidia, hopper)');
    // runs.list and the run page read the same columns.
    expect(listRuns(ws.db).map((r) => r.device?.label ?? null)).toEqual([
      null,
      H100_DEVICE.label,
      CPU_DEVICE.label,
      LAVAPIPE_DEVICE.label,
    ]);
    expect(getRun(ws.db, ws.ids.A)?.environment?.device).toEqual(LAVAPIPE_DEVICE);
    expect(getRun(ws.db, ws.ids.A)?.device).toEqual(LAVAPIPE_DEVICE);
    expect(getRun(ws.db, ws.ids.D)?.environment?.device).toBeUndefined();
    expect(getRun(ws.db, ws.ids.D)?.device).toBeNull();
  });

  it('sorts by device (case-insensitively, runs without one last) and by backend', () => {
    const ws = workspace();
    expect(ws.letters({ sort: { by: 'device', dir: 'asc' } })).toEqual(['B', 'A', 'C', 'D']);
    expect(ws.letters({ sort: { by: 'device', dir: 'desc' } })).toEqual(['C', 'A', 'B', 'D']);
    expect(ws.letters({ sort: { by: 'backend', dir: 'asc' } })).toEqual(['B', 'D', 'A', 'C']);
  });

  it('reads the device in the page’s one statement, with the filter values bound', () => {
    const q = RunQueryInputSchema.parse({
      textFilters: [{ field: 'device', values: ["llvmpipe'); DROP TABLE runs; --"] }],
      sort: { by: 'device', dir: 'asc' },
    });
    const { page } = historySql(q);
    expect(page.sql).not.toContain('DROP');
    expect(page.sql).toContain("json_extract(r.environment, '$.device.label')");
    const ws = workspace();
    expect(ws.db.prepare(page.sql).all(...page.params)).toEqual([]);
  });
});

describe('re-runs on a GPU compare their adapters (issue 15)', () => {
  it('names the adapter with the backend, so two GPUs are not "the same backend"', () => {
    const ws = workspace();
    // C (webgpu on an H100) as a re-run of A (webgpu on lavapipe), B (wasm) of D (wasm).
    ws.db.prepare('UPDATE runs SET rerun_of = ? WHERE id = ?').run(ws.ids.A, ws.ids.C);
    ws.db.prepare('UPDATE runs SET rerun_of = ? WHERE id = ?').run(ws.ids.D, ws.ids.B);
    const gpu = getRun(ws.db, ws.ids.C)?.reproduction;
    expect(gpu?.backends).toEqual({
      original: 'webgpu on llvmpipe-llvm-15-0-6-256-bits- (software GPU)',
      rerun: 'webgpu on NVIDIA H100 80GB HBM3 (nvidia, hopper)',
    });
    expect(gpu?.sameBackend).toBe(false);
    // On the CPU the backend's name is compared, as before issue 15.
    const cpu = getRun(ws.db, ws.ids.B)?.reproduction;
    expect(cpu?.backends).toEqual({ original: 'wasm', rerun: 'wasm' });
    expect(cpu?.sameBackend).toBe(true);
  });
});
