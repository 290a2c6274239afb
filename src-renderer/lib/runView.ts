import type { Reproduction } from '../../src-shared/domain/reproduction';
import { runDomainsLabel } from '../../src-shared/domain/runs';
import type { ResolvedRunConfig, RunSummary, SplitSizes } from '../../src-shared/domain/runs';
import { trainMetricSample, trainMetricSampleText } from '../../src-shared/domain/trainMetrics';
import type { RunDevice } from '../../src-shared/domain/backends';
import { DEVICE_NOT_RECORDED } from '../../src-shared/domain/runDeviceText';
import { DASH, formatBudget, formatInt } from './format';

/** The latest batch progress of a running run (run.progress events). */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

/** A run's progress as a fraction and a label, from epochs done and the latest batch progress. */
export function runProgress(
  run: RunSummary,
  batch: BatchProgress | undefined,
): { value: number; label: string; tone: 'running' | 'done' | 'idle' | 'bad' } {
  const epochs = run.epochs > 0 ? run.epochs : 1;
  let value = run.epochsDone / epochs;
  if (run.status === 'running' && batch && batch.batches > 0) {
    value += Math.min(1, batch.batch / batch.batches) / epochs;
  }
  if (run.status === 'completed') value = 1;
  const tone =
    run.status === 'completed'
      ? 'done'
      : run.status === 'running'
        ? 'running'
        : run.status === 'queued' || run.status === 'cancelled'
          ? 'idle'
          : 'bad';
  return { value: Math.min(1, value), label: `epoch ${run.epochsDone}/${run.epochs}`, tone };
}

/**
 * A compact, unique label for a run in legends and tooltips. Domains are named only when the
 * experiment has several (the legend is narrow).
 */
export function runLabel(run: RunSummary, withDomains = true): string {
  const budget = formatBudget(run.budget);
  if (run.kind === 'source') {
    return withDomains
      ? `#${run.id} source ${domainsLabel(run)} · s${run.seed}`
      : `#${run.id} source · s${run.seed}`;
  }
  const variant = variantText(run);
  return withDomains
    ? `#${run.id} ${variant} → ${run.targetName} · ${budget} · s${run.seed}`
    : `#${run.id} ${variant} · ${budget} · s${run.seed}`;
}

/** A run's variant label (issue 10); the strategy for runs recorded without one. */
export function variantText(run: Pick<RunSummary, 'kind' | 'strategy' | 'variant'>): string {
  if (run.kind === 'source') return 'source model';
  return run.variant === '' ? run.strategy : run.variant;
}

const VALIDATION_FROM: Record<SplitSizes['validationFrom'], string> = {
  split: 'validation split',
  budget: 'held out of the label budget',
};

/**
 * The rows a run used, in one sentence: `Trained on 100 labelled rows, validated on 2,000
 * (validation split), tested on 1,000.` Null sizes: not reported yet (while the trainer loads
 * the data) or never (runs before issue 10).
 */
export function splitSizesText(sizes: SplitSizes | null, active: boolean): string {
  if (sizes === null) {
    return active
      ? 'Reported once the trainer has loaded the data.'
      : 'Not recorded (the run predates split sizes).';
  }
  const rows = (n: number): string => `${formatInt(n)} ${n === 1 ? 'row' : 'rows'}`;
  let text =
    `Trained on ${formatInt(sizes.train)} labelled ${sizes.train === 1 ? 'row' : 'rows'}, ` +
    `validated on ${formatInt(sizes.val)} (${VALIDATION_FROM[sizes.validationFrom]}), ` +
    `tested on ${formatInt(sizes.test)}`;
  const extra: string[] = [];
  if (sizes.unlabelled !== undefined && sizes.unlabelled > 0)
    extra.push(`${rows(sizes.unlabelled)} of unlabelled target data`);
  if (sizes.source !== undefined && sizes.source > 0)
    extra.push(`${rows(sizes.source)} of source data`);
  if (extra.length > 0) text += `; also ${extra.join(' and ')}`;
  return `${text}.`;
}

/**
 * The caption beside a run's train curves when its train metrics were measured on a fixed sample
 * (issue 12): `Train metrics on a fixed sample of 10,000 of 60,000 rows, the same every epoch.`;
 * null when they cover every row (or the sizes are not known yet).
 */
export function trainSampleCaption(
  config: ResolvedRunConfig,
  sizes: SplitSizes | null,
): string | null {
  const sample = trainMetricSample(config, sizes);
  if (sample === null) return null;
  const text = trainMetricSampleText(sample);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}, the same every epoch.`;
}

/**
 * Two numbers written with just enough digits to tell them apart (a re-run that differs in the
 * 7th digit must not read `0.6250 → 0.6250`).
 */
export function distinctPair(a: number | null, b: number | null): [string, string] {
  const write = (v: number | null, digits: number): string =>
    v === null ? 'none' : Number.isInteger(v) ? String(v) : v.toPrecision(digits);
  for (let digits = 4; digits <= 15; digits++) {
    const pair: [string, string] = [write(a, digits), write(b, digits)];
    if (pair[0] !== pair[1]) return pair;
  }
  // Past 15 digits, the shortest text that reads back as each number.
  return [a === null ? 'none' : String(a), b === null ? 'none' : String(b)];
}

export type ReproductionTone = 'good' | 'near' | 'bad' | 'pending' | 'neutral';

export interface ReproductionView {
  tone: ReproductionTone;
  /** The verdict, e.g. `Differs: first at epoch 3, val_loss: 0.4213 → 0.4215`. */
  headline: string;
  /** What the headline leaves out, from the server's sentence. */
  detail: string;
  /** Backends and data of the two runs, e.g. `backend cpu for both · same data`. */
  facts: string;
}

/** The server's sentence without the verdict the headline already gives (`Reproduced exactly: `). */
function rest(message: string, prefix: string): string {
  if (!message.startsWith(prefix)) return message;
  const tail = message.slice(prefix.length);
  return tail.charAt(0).toUpperCase() + tail.slice(1);
}

function factsOf(r: Reproduction): string {
  const { original, rerun } = r.backends;
  const backends =
    original !== null && original === rerun
      ? `backend ${original} for both`
      : `backends ${original ?? 'unknown'} → ${rerun ?? 'not yet known'}`;
  const data =
    r.sameData === null ? 'data not yet compared' : r.sameData ? 'same data' : 'different data';
  return `${backends} · ${data}`;
}

/** A re-run's reproducibility verdict as the run page shows it. */
export function reproductionView(r: Reproduction): ReproductionView {
  const facts = factsOf(r);
  switch (r.outcome) {
    case 'exact':
      return {
        tone: 'good',
        headline: 'Reproduced exactly',
        detail: rest(r.message, 'Reproduced exactly: '),
        facts,
      };
    case 'within-tolerance': {
      const max = r.maxRelativeDifference;
      return {
        tone: 'near',
        headline: `Within tolerance (largest relative difference ${max === null ? 'unknown' : max.toPrecision(2)}, tolerance ${String(r.tolerance)})`,
        detail: rest(r.message, 'Within tolerance: '),
        facts,
      };
    }
    case 'differs': {
      const d = r.firstDifference;
      if (d === null) return { tone: 'bad', headline: 'Differs', detail: r.message, facts };
      const where =
        d.epoch === 'final'
          ? `the final ${d.metric}`
          : d.metric === '(epoch)'
            ? `epoch ${d.epoch} (in one run only)`
            : `epoch ${d.epoch}, ${d.metric}`;
      const [a, b] = distinctPair(d.original, d.rerun);
      const value = d.metric === '(epoch)' ? '' : `: ${a} → ${b}`;
      return {
        tone: 'bad',
        headline: `Differs: first at ${where}${value}`,
        detail: `Run #${r.rerunRunId} does not reproduce run #${r.originalRunId}${r.sameBackend ? ' on the same backend' : ''}.`,
        facts,
      };
    }
    case 'pending':
      return {
        tone: 'pending',
        headline: 'Pending: compared with the original when this re-run finishes',
        detail: r.message,
        facts,
      };
    case 'incomparable':
      return { tone: 'neutral', headline: 'Not compared', detail: r.message, facts };
  }
}

export function domainsLabel(run: RunSummary): string {
  return runDomainsLabel(run);
}

/**
 * The run page's Device line (issue 15): the device's label; `not recorded` for a run whose
 * environment (recorded before issue 15) names none, never a guess; while a run waits for its
 * trainer, when it will be known; a dash for a run that never started.
 */
export function runDeviceText(
  device: RunDevice | null,
  environmentRecorded: boolean,
  active: boolean,
): string {
  if (device) return device.label;
  if (environmentRecorded) return DEVICE_NOT_RECORDED;
  return active ? 'reported when the trainer starts' : DASH;
}
