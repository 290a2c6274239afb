import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, openCliCore } from '../../../src-main/cli/session';
import { IMPORTED_HASH_PREFIX } from '../../../src-main/reports/bundleImport';
import { BundleSchema, type Bundle } from '../../../src-main/reports/bundleSchema';
import { openDb } from '../../../src-main/store/db';
import { insertEpoch, readRawMetrics } from '../../../src-main/store/metrics';
import { clearProgress, requeueRuns } from '../../../src-main/store/queue';
import { claimNextRun, getRun } from '../../../src-main/store/runs';
import { useTempDirs } from '../../helpers/tempDir';
import { reportWorkspace, type ReportWorkspace } from './workspace';

const tempDir = useTempDirs();

async function exportBundle(ws: ReportWorkspace): Promise<{ path: string; bundle: Bundle }> {
  const file = await call(ws.core, 'reports.create', {
    compare: { selection: { experimentIds: [ws.experimentId] } },
    format: 'json',
  });
  const path = join(tempDir(), file.fileName);
  writeFileSync(path, file.content);
  return { path, bundle: BundleSchema.parse(JSON.parse(file.content)) };
}

/** A run as a record: what must survive the trip, ids and times of the trip left out. */
function record(db: ReturnType<typeof openDb>, id: number) {
  const run = getRun(db, id);
  if (!run) throw new Error(`no run ${id}`);
  const annotations = db.prepare('SELECT notes FROM runs WHERE id = ?').get(id) as {
    notes: string | null;
  };
  const tags = (
    db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(id) as {
      tag: string;
    }[]
  ).map((t) => t.tag);
  return {
    kind: run.kind,
    strategy: run.strategy,
    sourceName: run.sourceName,
    targetName: run.targetName,
    experimentName: run.experimentName,
    budget: run.budget,
    seed: run.seed,
    status: run.status,
    backend: run.backend,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    epochsDone: run.epochsDone,
    finalMetrics: run.finalMetrics,
    config: run.config,
    environment: run.environment,
    dataHash: run.dataHash,
    metrics: readRawMetrics(db, id),
    notes: annotations.notes,
    tags,
    dependsOn: run.dependsOn === null ? null : 'set',
  };
}

describe('JSON bundles', () => {
  it('carry runs and metrics into another workspace, as records nobody trains', async () => {
    const ws = await reportWorkspace(tempDir());
    const target = tempDir();
    const core = await openCliCore(target, 'none');
    const db = openDb(join(target, 'transferlab.sqlite'));
    try {
      const { path, bundle } = await exportBundle(ws);
      expect(bundle.format).toBe('transferlab-bundle');
      expect(bundle.runs).toHaveLength(ws.runIds.length);
      expect(bundle.runs.some((r) => r.metrics.some((e) => e.values.loss === 'NaN'))).toBe(true);

      const result = await call(core, 'bundles.import', { file: { kind: 'path', path } });
      expect(result.experimentIds).toHaveLength(1);
      expect(result.runIds).toHaveLength(ws.runIds.length);
      expect(result.alreadyPresent).toEqual([]);
      expect(result.runIds.map((id) => record(db, id))).toEqual(
        ws.runIds.map((id) => record(ws.db, id)),
      );
      // Lineage: each transfer run points at the imported copy of its source run.
      for (const id of result.runIds) {
        const dependsOn = getRun(db, id)?.dependsOn ?? null;
        if (dependsOn !== null) expect(result.runIds).toContain(dependsOn);
      }
      // Records, not queued work; and never a source model to reuse.
      expect(claimNextRun(db, 'any', { limit: 1 })).toBeUndefined();
      const hashes = db.prepare('SELECT config_hash FROM runs').all() as { config_hash: string }[];
      expect(hashes.every((h) => h.config_hash.startsWith(IMPORTED_HASH_PREFIX))).toBe(true);

      // The same comparison, computed in the new workspace.
      const strip = (c: Awaited<ReturnType<typeof call<'compare.run'>>>) => ({
        summary: c.summary,
        gains: c.gains,
        crossovers: c.crossovers,
        curves: c.curves.groups.map((g) => ({ label: g.label, mean: g.mean, n: g.n })),
        excluded: c.excluded.map((e) => e.reason),
      });
      const before = await call(ws.core, 'compare.run', {
        selection: { experimentIds: [ws.experimentId] },
      });
      const after = await call(core, 'compare.run', {
        selection: { experimentIds: result.experimentIds },
      });
      expect(strip(after)).toEqual(strip(before));

      // Twice is not twice, and nor is importing into the workspace it came from.
      await expect(call(core, 'bundles.import', { file: { kind: 'path', path } })).rejects.toThrow(
        /already in this workspace; nothing was imported|already in this workspace/,
      );
      await expect(
        call(ws.core, 'bundles.import', { file: { kind: 'path', path } }),
      ).rejects.toThrow(/already in this workspace/);
      expect((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(
        ws.runIds.length,
      );
    } finally {
      db.close();
      await core.close();
      await ws.close();
    }
  });

  it('keeps a crashed run’s committed epochs and its count through the trip', async () => {
    const ws = await reportWorkspace(tempDir());
    const target = tempDir();
    const core = await openCliCore(target, 'none');
    const db = openDb(join(target, 'transferlab.sqlite'));
    try {
      // A run whose process died on its third start after two committed epochs (issue 11: such
      // runs said 3–63 epochs with no metric rows, and a bundle trip changed the count).
      const id = ws.runIds.find((r) => getRun(ws.db, r)?.kind === 'transfer') ?? 0;
      const kept = readRawMetrics(ws.db, id).filter((m) => m.epoch <= 2);
      clearProgress(ws.db, id);
      for (const epoch of [1, 2]) {
        const values = Object.fromEntries(
          kept.filter((m) => m.epoch === epoch).map((m) => [m.name, m.value]),
        );
        insertEpoch(ws.db, id, epoch, values, epoch);
      }
      ws.db
        .prepare(
          `UPDATE runs SET status = 'running', owner = 'gone', attempts = 3, final_metrics = NULL
           WHERE id = ?`,
        )
        .run(id);
      expect(requeueRuns(ws.db, ['gone']).crashed).toEqual([id]);
      const crashed = getRun(ws.db, id);
      expect(crashed?.status).toBe('crashed');
      expect(crashed?.epochsDone).toBe(2);
      expect(crashed?.metrics.map((m) => m.epoch)).toEqual([1, 2]);

      const { path } = await exportBundle(ws);
      const result = await call(core, 'bundles.import', { file: { kind: 'path', path } });
      const copy = result.runIds[ws.runIds.indexOf(id)] ?? 0;
      expect(record(db, copy)).toEqual(record(ws.db, id));
      expect(getRun(db, copy)?.epochsDone).toBe(2);
    } finally {
      db.close();
      await core.close();
      await ws.close();
    }
  });

  it('refuses, writing nothing, when the workspace lacks an imported dataset', async () => {
    const ws = await reportWorkspace(tempDir());
    const target = tempDir();
    const core = await openCliCore(target, 'none');
    try {
      const { bundle } = await exportBundle(ws);
      // Pretend the target domain's data was imported from a file in the first workspace.
      const targetDomain = bundle.domains.find((d) => d.name !== 'source A');
      const dataset = bundle.datasets.find((d) => d.key === targetDomain?.datasetKey);
      if (!targetDomain || !dataset) throw new Error('fixture');
      dataset.kind = 'imported';
      dataset.name = 'lab scans';
      dataset.contentHash = 'f'.repeat(64);
      targetDomain.spec = { ...targetDomain.spec, dataset: 'lab scans' };
      const path = join(tempDir(), 'bundle.json');
      writeFileSync(path, JSON.stringify(bundle));

      const failure = await call(core, 'bundles.import', { file: { kind: 'path', path } }).catch(
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({ code: 'not_found' });
      expect((failure as Error).message).toMatch(/import them .* then import the bundle again/);
      expect((failure as { issues?: unknown }).issues).toEqual([
        {
          path: '',
          message: `"lab scans" (imported, 100 samples, content sha256 ${'f'.repeat(64)})`,
        },
      ]);
      expect(await call(core, 'experiments.list', {})).toEqual([]);
      expect(await call(core, 'runs.list', {})).toEqual([]);
    } finally {
      await core.close();
      await ws.close();
    }
  });

  it('says what is wrong with a file that is not a valid bundle', async () => {
    const dir = tempDir();
    const core = await openCliCore(dir, 'none');
    try {
      const write = (name: string, text: string): string => {
        const path = join(dir, name);
        writeFileSync(path, text);
        return path;
      };
      const importing = (path: string) =>
        call(core, 'bundles.import', { file: { kind: 'path', path } });
      await expect(importing(write('a.json', '{not json'))).rejects.toThrow(/is not a JSON bundle/);
      await expect(importing(write('b.json', '{"format":"other"}'))).rejects.toThrow(
        /not a Transferlab bundle \(no "format": "transferlab-bundle"\)/,
      );
      const valid = {
        format: 'transferlab-bundle',
        version: 1,
        exportedAt: 'now',
        title: 't',
        request: { selection: { experimentIds: [1] } },
        datasets: [],
        domains: [{ key: 1, datasetKey: 9, name: 'd', spec: { name: 'd', dataset: 'digits' } }],
        experiments: [],
        runs: [],
      };
      const failure = await importing(write('c.json', JSON.stringify(valid))).catch(
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({
        code: 'invalid_input',
        issues: [
          { path: 'domains.0.datasetKey', message: 'refers to dataset 9, not in the bundle' },
        ],
      });
      await expect(importing(join(dir, 'missing.json'))).rejects.toThrow(/No such file/);
      expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{not json');
    } finally {
      await core.close();
    }
  });
});
