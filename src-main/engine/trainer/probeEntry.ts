import { selectBackend } from '../backend';
import { prepareRunData } from '../data/domain';
import { loadDataset, type Dataset } from '../data/load';
import { probeTransferability } from '../transferability/probe';
import { ParentToProbeSchema, type ProbeJob, type ProbeToParent } from './probeProtocol';

/**
 * The probe process: forked by probeHost.ts, it takes one 'start' message with the designer's
 * source→target pairs, scores each saved source model on its target's labelled training rows
 * (LEEP, NCE, H-score, LogME with transferability/probe.ts, the code a transfer run's trainer
 * uses), answers per job, and exits. It owns no database: the server's process never runs tfjs.
 */

function send(message: ProbeToParent): Promise<void> {
  // Resolves once the message is handed to the channel, so exiting after it loses nothing.
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else
      process.send(message, undefined, {}, () => {
        resolve();
      });
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function scoreJob(
  job: ProbeJob,
  index: number,
  datasets: Map<string, Promise<Dataset>>,
): Promise<void> {
  const { tf } = await selectBackend(job.config.training.backend);
  // Targets are often views of one dataset (digits 5–9, digits rotated): load it once.
  const key = JSON.stringify(job.data);
  const dataset = datasets.get(key) ?? loadDataset(job.data);
  datasets.set(key, dataset);
  const data = prepareRunData(await dataset, job.config);
  const { scores, samples } = await probeTransferability(tf, job.sourceModel, data);
  if (!Object.values(scores).every(Number.isFinite))
    throw new Error(`A score is not finite: ${JSON.stringify(scores)}`);
  return send({ type: 'scored', index, scores: { ...scores }, samples });
}

async function run(jobs: ProbeJob[]): Promise<void> {
  const datasets = new Map<string, Promise<Dataset>>();
  for (const [index, job] of jobs.entries()) {
    try {
      await scoreJob(job, index, datasets);
    } catch (e) {
      await send({ type: 'failed', index, error: messageOf(e) });
    }
  }
  await send({ type: 'done' });
  process.exit(0);
}

if (process.send === undefined) {
  console.error(
    'The probe runs as a child process with an IPC channel (see trainer/probeHost.ts).',
  );
  process.exit(2);
}

let started = false;
process.on('message', (raw: unknown) => {
  const parsed = ParentToProbeSchema.safeParse(raw);
  if (!parsed.success || started) {
    console.error(
      parsed.success
        ? "A second 'start': one probe process answers one request"
        : parsed.error.message,
    );
    process.exit(1);
  }
  started = true;
  run(parsed.data.jobs).catch((e: unknown) => {
    console.error(messageOf(e));
    process.exit(1);
  });
});
// The parent is gone: nobody can receive the scores.
process.on('disconnect', () => process.exit(3));
