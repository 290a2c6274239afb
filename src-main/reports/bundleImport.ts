import { readFile, rm, stat } from 'node:fs/promises';
import type {
  DatasetRef,
  DomainSpec,
  ExperimentSpec,
} from '../../src-shared/domain/experimentSpec';
import { isTerminal, type ResolvedRunConfig } from '../../src-shared/domain/runs';
import type { FileRef } from '../../src-shared/rpc/datasets';
import type { BundleImportResult } from '../../src-shared/rpc/reports';
import { AppFailure, issuesFromZod } from '../../src-shared/result';
import { resolveDataset } from '../store/datasetResolver';
import { resolveFileRef } from '../import/files';
import {
  findSameRuns,
  recordImportedRun,
  setExperimentCreatedAt,
  setRunDependsOn,
} from '../store/bundles';
import { findDatasetByName, findDatasetIdByContentHash } from '../store/datasets';
import { inTransaction, type Db } from '../store/db';
import { ensureDomain } from '../store/domains';
import { insertExperiment, linkDomain } from '../store/experiments';
import { insertEpoch, summariseFinalMetrics } from '../store/metrics';
import { insertRun } from '../store/runs';
import { impliedVariantLabel } from '../../src-shared/domain/variantLabel';
import {
  BUNDLE_FORMAT,
  BundleSchema,
  decodeMetricValue,
  type Bundle,
  type BundleRun,
} from './bundleSchema';

/**
 * Imports a JSON bundle's experiments and runs into this workspace, as records: in one
 * transaction, so a failure leaves nothing half-written.
 *
 * - **Records, not work.** Runs keep their recorded status, metrics and timings. A run the
 *   bundle shows queued or running (exported mid-experiment) is stored as cancelled with a note:
 *   a queued row would be claimed by the next trainer (claimNextRun takes any 'queued' run).
 * - **No model reuse.** Source models' weights are not in a bundle, so an imported source run's
 *   config hash is stored as `imported:<hash>`: a new experiment with the same source config
 *   must not "reuse" it (findReusableSourceRun) and then find no model to start from.
 * - **Datasets** are matched by content hash, then by name; synthetic ones are recreated from
 *   their generator parameters (their content is a function of those). A bundle naming an
 *   imported dataset this workspace lacks is refused, nothing written, with the list of datasets
 *   to import first. Why not keep the runs under a placeholder dataset: a domain needs a dataset
 *   row, and a placeholder carrying the real content hash would later be mistaken for the real
 *   data by the dataset import (it reuses a dataset of the same hash) and by experiments that
 *   name it, which would then fail in the trainer. Importing the data first is one step, and
 *   the bundle then imports whole.
 * - **Twice is not twice.** A run already here (the same config hash, seed and creation time:
 *   re-importing a bundle, or importing into the workspace it came from) is not copied again;
 *   runs that depend on it point to the one here. When nothing is new the import is refused
 *   with a message naming the runs already present.
 */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export const IMPORTED_HASH_PREFIX = 'imported:';

export function parseBundle(text: string, name: string): Bundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppFailure(
      'invalid_input',
      `${name} is not a JSON bundle: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== BUNDLE_FORMAT
  ) {
    throw new AppFailure(
      'invalid_input',
      `${name} is not a Transferlab bundle (no "format": "${BUNDLE_FORMAT}"); export one as a JSON report.`,
    );
  }
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppFailure(
      'invalid_input',
      `${name} is not a valid Transferlab bundle.`,
      issuesFromZod(parsed.error).slice(0, 50),
    );
  }
  return parsed.data;
}

/** The bundle's datasets → this workspace's dataset ids and names; missing ones listed. */
function matchDatasets(
  db: Db,
  bundle: Bundle,
): { ids: Map<number, { id: number; name: string }>; missing: string[] } {
  const ids = new Map<number, { id: number; name: string }>();
  const missing: string[] = [];
  for (const d of bundle.datasets) {
    const found = findDatasetIdByContentHash(db, d.contentHash) ?? findDatasetByName(db, d.name);
    if (found) {
      ids.set(d.key, { id: found.id, name: found.name });
      continue;
    }
    const generator = bundle.domains
      .filter((dom) => dom.datasetKey === d.key)
      .map((dom) => dom.spec.dataset)
      .find((ref): ref is Exclude<DatasetRef, string> => typeof ref !== 'string');
    if (d.kind === 'synthetic' && generator !== undefined) {
      const created = resolveDataset(db, generator);
      ids.set(d.key, { id: created.id, name: created.name });
      continue;
    }
    missing.push(`"${d.name}" (${d.kind}, ${d.samples} samples, content sha256 ${d.contentHash})`);
  }
  return { ids, missing };
}

/** A dataset named by the bundle under another name here is named as it is here. */
function renameDomain(spec: DomainSpec, renames: ReadonlyMap<string, string>): DomainSpec {
  if (typeof spec.dataset !== 'string') return spec;
  const local = renames.get(spec.dataset);
  return local === undefined ? spec : { ...spec, dataset: local };
}

function renameConfig(
  config: ResolvedRunConfig,
  renames: ReadonlyMap<string, string>,
): ResolvedRunConfig {
  return {
    ...config,
    domain: renameDomain(config.domain, renames),
    ...(config.sourceDomain ? { sourceDomain: renameDomain(config.sourceDomain, renames) } : {}),
  };
}

function renameSpec(spec: ExperimentSpec, renames: ReadonlyMap<string, string>): ExperimentSpec {
  return {
    ...spec,
    sources: spec.sources.map((d) => renameDomain(d, renames)),
    targets: spec.targets.map((d) => renameDomain(d, renames)),
  };
}

/** Runs of the bundle already in this workspace, by bundle key. */
function presentRuns(db: Db, runs: readonly BundleRun[]): Map<number, number> {
  const found = findSameRuns(
    db,
    runs.map((r) => ({
      configHashes: [r.configHash, `${IMPORTED_HASH_PREFIX}${r.configHash}`],
      seed: r.seed,
      createdAt: r.createdAt,
    })),
  );
  const present = new Map<number, number>();
  runs.forEach((r, i) => {
    const id = found[i];
    if (id !== undefined) present.set(r.key, id);
  });
  return present;
}

function writeBundle(db: Db, bundle: Bundle): BundleImportResult {
  return inTransaction(db, () => {
    const { ids: datasetIds, missing } = matchDatasets(db, bundle);
    if (missing.length > 0) {
      throw new AppFailure(
        'not_found',
        `This bundle's runs used ${missing.length} dataset(s) this workspace lacks; import them ` +
          '(the same files give the same content hash), then import the bundle again. Nothing was imported.',
        missing.map((message) => ({ path: '', message })),
      );
    }
    const renames = new Map<string, string>();
    for (const d of bundle.datasets) {
      const local = datasetIds.get(d.key);
      if (local && local.name !== d.name) renames.set(d.name, local.name);
    }
    const domainIds = new Map<number, number>();
    for (const d of bundle.domains) {
      const dataset = datasetIds.get(d.datasetKey);
      if (!dataset) throw new Error(`dataset ${d.datasetKey} unmatched`);
      domainIds.set(d.key, ensureDomain(db, dataset.id, renameDomain(d.spec, renames)));
    }
    const domainId = (key: number): number => {
      const id = domainIds.get(key);
      if (id === undefined) throw new Error(`domain ${key} unmatched`);
      return id;
    };

    const present = presentRuns(db, bundle.runs);
    const fresh = bundle.runs.filter((r) => !present.has(r.key));
    if (fresh.length === 0) {
      throw new AppFailure(
        'conflict',
        `Every run of this bundle is already in this workspace (runs ${[...present.values()]
          .map((id) => `#${id}`)
          .join(', ')}); nothing was imported.`,
      );
    }

    const experimentIds = new Map<number, number>();
    for (const e of bundle.experiments) {
      if (!fresh.some((r) => r.experimentKey === e.key)) continue;
      const id = insertExperiment(db, {
        name: e.name,
        specInput: e.specInput ?? null,
        spec: renameSpec(e.spec, renames),
        origin: 'bundle',
      });
      // The record keeps when the experiment was designed, not when it was copied here.
      setExperimentCreatedAt(db, id, e.createdAt);
      experimentIds.set(e.key, id);
    }

    const runIds = new Map<number, number>(present);
    for (const r of fresh) {
      const experimentId = experimentIds.get(r.experimentKey);
      if (experimentId === undefined) throw new Error(`experiment ${r.experimentKey} unmatched`);
      const target = domainId(r.domainKey);
      const source = r.sourceDomainKey === null ? null : domainId(r.sourceDomainKey);
      if (r.kind === 'source') linkDomain(db, experimentId, target, 'source');
      else {
        linkDomain(db, experimentId, target, 'target');
        if (source !== null) linkDomain(db, experimentId, source, 'source');
      }
      const id = insertRun(db, {
        experimentId,
        kind: r.kind,
        strategy: r.strategy,
        variant: r.variant ?? impliedVariantLabel(r.kind, r.strategy, r.config),
        domainId: target,
        sourceDomainId: source,
        budget: r.budget,
        seed: r.seed,
        config: renameConfig(r.config, renames),
        configHash: `${IMPORTED_HASH_PREFIX}${r.configHash}`,
        // Set below, once every run of the bundle has an id here.
        dependsOn: null,
        epochs: r.epochs,
      });
      runIds.set(r.key, id);
      const finished = isTerminal(r.status);
      recordImportedRun(db, id, {
        status: finished ? r.status : 'cancelled',
        backend: r.backend,
        environment: r.environment,
        dataHash: r.dataHash,
        inputAdapter: r.inputAdapter,
        splitSizes: r.splitSizes ?? null,
        finalMetrics: r.finalMetrics,
        confusion: r.confusion,
        error: finished
          ? r.error
          : `Was ${r.status} when it was exported; imported from a bundle as a record, not queued.`,
        attempts: r.attempts,
        createdAt: r.createdAt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt ?? (finished ? null : new Date().toISOString()),
        notes: r.notes,
        archivedAt: r.archivedAt,
        tags: r.tags,
      });
      for (const epoch of r.metrics) {
        const values = Object.fromEntries(
          Object.entries(epoch.values).map(([name, v]) => [name, decodeMetricValue(v)]),
        );
        insertEpoch(db, id, epoch.epoch, values, epoch.elapsedS);
      }
      // After the epochs, so names logged per epoch keep their per-epoch summary.
      if (r.finalMetrics !== null) summariseFinalMetrics(db, id, r.finalMetrics);
    }
    for (const r of fresh) {
      if (r.dependsOnKey === null) continue;
      const own = runIds.get(r.key);
      const dependsOn = runIds.get(r.dependsOnKey);
      if (own !== undefined && dependsOn !== undefined) setRunDependsOn(db, own, dependsOn);
    }
    return {
      experimentIds: [...experimentIds.values()],
      runIds: fresh.map((r) => runIds.get(r.key) ?? 0).filter((id) => id > 0),
      alreadyPresent: [...present.values()].sort((a, b) => a - b),
    };
  });
}

/** Imports a JSON bundle's experiments and runs into this workspace. */
export async function importBundle(
  db: Db,
  file: FileRef,
  uploadsDir: string,
): Promise<BundleImportResult> {
  const local = await resolveFileRef(file, uploadsDir);
  try {
    const info = await stat(local.path);
    if (!info.isFile()) throw new AppFailure('invalid_input', `${local.name} is not a file.`);
    if (info.size > MAX_BUNDLE_BYTES) {
      throw new AppFailure(
        'invalid_input',
        `${local.name} is ${Math.round(info.size / 2 ** 20)} MiB; bundles up to ${MAX_BUNDLE_BYTES / 2 ** 20} MiB are imported.`,
      );
    }
    const bundle = parseBundle(await readFile(local.path, 'utf8'), local.name);
    return writeBundle(db, bundle);
  } finally {
    // An upload is this import's own copy (as with dataset imports); a local file is the user's.
    if (local.upload) await rm(local.path, { force: true });
  }
}
