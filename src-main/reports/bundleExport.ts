import { z } from 'zod';
import type { Comparison } from '../../src-shared/rpc/compare';
import {
  readDatasetRecords,
  readDomainRecords,
  readExperimentRecords,
  readRawEpochsOf,
  readRunRecords,
  withDependencies,
} from '../store/bundles';
import type { Db } from '../store/db';
import { readTagsOf } from '../store/runAnnotations';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleSchema,
  encodeMetricValue,
  type Bundle,
  type BundleRun,
} from './bundleSchema';

/**
 * Builds the JSON bundle of a comparison from the database: its runs, the source runs they
 * started from (so lineage survives the trip), their experiments, domains and datasets, read
 * through store/bundles.ts. The result is checked against the import schema, so what is
 * exported can be imported.
 */
export function buildBundle(db: Db, comparison: Comparison, title: string): Bundle {
  const runIds = withDependencies(
    db,
    comparison.runs.map((r) => r.id),
  );
  const runRecords = readRunRecords(db, runIds);
  const tags = readTagsOf(db, runIds);
  const epochs = readRawEpochsOf(db, runIds);

  const domains = readDomainRecords(db, [
    ...new Set(
      runRecords.flatMap((r) => [
        r.domainId,
        ...(r.sourceDomainId === null ? [] : [r.sourceDomainId]),
      ]),
    ),
  ]).map((d) => ({ key: d.id, datasetKey: d.datasetId, name: d.name, spec: d.spec }));

  const datasets = readDatasetRecords(db, [...new Set(domains.map((d) => d.datasetKey))]).map(
    (d) => ({
      key: d.id,
      name: d.name,
      kind: d.kind,
      contentHash: d.contentHash,
      samples: d.samples,
      featureShape: d.featureShape,
      classes: d.classes,
    }),
  );

  const experiments = readExperimentRecords(db, [
    ...new Set(runRecords.map((r) => r.experimentId)),
  ]).map((e) => ({
    key: e.id,
    name: e.name,
    specInput: e.specInput,
    spec: e.spec,
    createdAt: e.createdAt,
  }));

  const runs: BundleRun[] = runRecords.map((r) => ({
    key: r.id,
    experimentKey: r.experimentId,
    kind: r.kind,
    strategy: r.strategy,
    variant: r.variant,
    domainKey: r.domainId,
    sourceDomainKey: r.sourceDomainId,
    budget: r.budget,
    seed: r.seed,
    status: r.status,
    config: r.config,
    configHash: r.configHash,
    dependsOnKey: r.dependsOn,
    epochs: r.epochs,
    backend: r.backend,
    environment: r.environment,
    dataHash: r.dataHash,
    inputAdapter: r.inputAdapter,
    splitSizes: r.splitSizes,
    finalMetrics: r.finalMetrics,
    confusion: r.confusion,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    notes: r.notes,
    tags: tags.get(r.id) ?? [],
    archivedAt: r.archivedAt,
    metrics: (epochs.get(r.id) ?? []).map((e) => ({
      epoch: e.epoch,
      elapsedS: e.elapsedS,
      values: Object.fromEntries(
        Object.entries(e.values).map(([name, v]) => [name, encodeMetricValue(v)]),
      ),
    })),
  }));

  const bundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: comparison.generatedAt,
    title,
    request: comparison.request,
    datasets,
    domains,
    experiments,
    runs,
  };
  // What this workspace wrote must be what another one accepts; a failure here is a bug or a
  // corrupt row, named by path.
  const checked = BundleSchema.safeParse(bundle);
  if (!checked.success) {
    throw new Error(`The bundle would not import: ${z.prettifyError(checked.error)}`);
  }
  return checked.data;
}

export function renderBundle(bundle: Bundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
