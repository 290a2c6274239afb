/**
 * Writes what the PyTorch reference (torch_reference.py) needs to run the same protocol as an
 * experiment's runs: each run's resolved settings and the exact arrays it trained and was
 * evaluated on, loaded by the engine's own data path (loadRunData), so the reference sees the
 * project's splits, transforms and the label sample of each seed rather than drawing its own.
 *
 * Arrays are raw little-endian float32 / int32 files named by the sha256 of their bytes: the
 * test split that every run of a domain shares, or a source run's rows, are written once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinalMetrics } from '../../src-shared/domain/runs';
import { resolveStrategyParams } from '../../src-shared/domain/strategies';
import { buildTrainJob } from '../../src-main/core/trainJob';
import { loadRunData, type Split } from '../../src-main/engine/data/index';
import type { Db } from '../../src-main/store/db';
import { experimentRunIds, getRun, readRerunSource } from '../../src-main/store/runs';

export interface ArrayEntry {
  file: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

export interface SplitRef {
  x: string;
  y: string;
}

/** One run as the reference reads it (torch_reference.py) and the side-by-side table shows it. */
export interface ReferenceRun {
  id: number;
  kind: 'source' | 'transfer';
  strategy: string;
  variant: string;
  target: string;
  budget: number | 'all';
  seed: number;
  sourceRunId: number | null;
  numClasses: number;
  featureShape: number[];
  model: unknown;
  training: unknown;
  /** Every parameter of the strategy, defaults filled in. */
  params: Record<string, number | boolean>;
  data: { train: SplitRef; val: SplitRef; test: SplitRef };
  /** Transferlab's own result. */
  ours: FinalMetrics;
}

export interface Manifest {
  experimentId: number;
  arrays: Record<string, ArrayEntry>;
  runs: ReferenceRun[];
}

/**
 * Exports every completed run of `experimentId` into `outDir` (manifest.json and the arrays),
 * with the source runs they start from when another experiment trained them, reporting each run
 * on `progress`. Runs that did not complete are left out and listed.
 */
export async function exportRuns(
  db: Db,
  workspaceDir: string,
  experimentId: number,
  outDir: string,
  progress: (line: string) => void,
): Promise<{ manifest: Manifest; skipped: string[] }> {
  await mkdir(outDir, { recursive: true });
  const arrays: Record<string, ArrayEntry> = {};
  const write = async (
    data: Float32Array | Int32Array,
    dtype: ArrayEntry['dtype'],
    shape: number[],
  ): Promise<string> => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const hash = createHash('sha256').update(dtype).update(bytes).digest('hex').slice(0, 24);
    if (!(hash in arrays)) {
      const file = `${hash}.${dtype}`;
      if (!existsSync(join(outDir, file))) await writeFile(join(outDir, file), bytes);
      arrays[hash] = { file, dtype, shape };
    }
    return hash;
  };
  const writeSplit = async (split: Split, featureShape: number[]): Promise<SplitRef> => ({
    x: await write(split.x, 'float32', [split.n, ...featureShape]),
    y: await write(split.y, 'int32', [split.n]),
  });

  const runs: ReferenceRun[] = [];
  const skipped: string[] = [];
  // The source runs the experiment's runs start from, first: an experiment may reuse source
  // runs that another experiment trained, which the reference must train too.
  const own = experimentRunIds(db, experimentId);
  const ownIds = new Set(own.map((r) => r.id));
  const reused = [
    ...new Set(own.flatMap(({ id }) => readRerunSource(db, id)?.dependsOn ?? [])),
  ].filter((id) => !ownIds.has(id));
  const ids = [
    ...reused.flatMap((id) => {
      const status = getRun(db, id)?.status;
      return status === undefined ? [] : [{ id, status }];
    }),
    ...own,
  ];
  for (const [i, { id, status }] of ids.entries()) {
    const detail = getRun(db, id);
    const source = readRerunSource(db, id);
    if (status !== 'completed' || !detail?.finalMetrics || !source) {
      skipped.push(`#${id} (${status})`);
      continue;
    }
    const { config } = source;
    const job = buildTrainJob(db, workspaceDir, {
      id,
      config,
      dependsOn: source.dependsOn,
    });
    const data = await loadRunData(job);
    if (data.dataHash !== detail.dataHash) {
      throw new Error(
        `Run #${id}: its data now hashes to ${data.dataHash}, the run recorded ${detail.dataHash ?? 'none'} ` +
          '(the dataset changed since): the reference would not see the same rows',
      );
    }
    const params =
      config.strategy === 'source'
        ? {}
        : resolveStrategyParams(config.strategy, config.strategyParams).params;
    runs.push({
      id,
      kind: config.kind,
      strategy: config.strategy,
      variant: detail.variant,
      target: detail.targetName,
      budget: config.budget,
      seed: config.seed,
      sourceRunId: source.dependsOn,
      numClasses: data.numClasses,
      featureShape: data.featureShape,
      model: config.model,
      training: config.training,
      params,
      data: {
        train: await writeSplit(data.train, data.featureShape),
        val: await writeSplit(data.val, data.featureShape),
        test: await writeSplit(data.test, data.featureShape),
      },
      ours: detail.finalMetrics,
    });
    progress(`exported ${i + 1}/${ids.length}: run #${id} ${detail.variant} seed ${config.seed}`);
  }
  const manifest: Manifest = { experimentId, arrays, runs };
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest));
  return { manifest, skipped };
}
