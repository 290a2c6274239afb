import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCampaign } from '../test/reliability/campaign';
import { runConcurrencyCase } from '../test/reliability/concurrency';

/**
 * `npm run reliability [-- --waves 10 --kills 5 --seed 1]`: the full kill -9 campaign (issue 11;
 * 50 kills by default) and the concurrency case, on fresh workspaces, with their figures. The
 * short version runs in `npm test` (test/e2e/reliability.e2e.ts); the RPC flood and the bad-input
 * corpus are vitest tests that `npm run reliability` runs after this script.
 */
const { values } = parseArgs({
  options: {
    waves: { type: 'string', default: '10' },
    kills: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '2' },
    bound: { type: 'string', default: '180' },
  },
});
const waves = Number(values.waves);
const killsPerWave = Number(values.kills);
const concurrency = Number(values.concurrency);
for (const [name, n] of Object.entries({ waves, killsPerWave, concurrency }))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);

const workspace = mkdtempSync(join(tmpdir(), 'transferlab-reliability-'));
console.log(`Kill campaign: ${waves} waves × ${killsPerWave} kills in ${workspace}`);
const started = Date.now();
const figures = await runCampaign({
  workspace,
  waves,
  killsPerWave,
  seed: Number(values.seed),
  concurrency,
  settleBoundS: Number(values.bound),
  log: (line) => {
    console.log(`  ${line}`);
  },
});
console.log(JSON.stringify({ campaign: figures, seconds: (Date.now() - started) / 1000 }, null, 2));

const concurrencyWorkspace = mkdtempSync(join(tmpdir(), 'transferlab-concurrency-'));
const concurrencyCase = await runConcurrencyCase(concurrencyWorkspace, concurrency);
console.log(JSON.stringify({ concurrency: concurrencyCase }, null, 2));

const failures = [
  ...figures.integrityFailures,
  ...figures.countMismatches,
  ...figures.lost,
  ...(figures.unsettled > 0 ? [`${figures.unsettled} wave(s) did not settle in the bound`] : []),
  ...(figures.takeBackSeconds.some((s) => !Number.isFinite(s))
    ? ['runs of a killed process were not taken back within 60 s']
    : []),
  ...(figures.maxRunning > concurrency
    ? [`${figures.maxRunning} runs running at once, limit ${concurrency}`]
    : []),
  ...(concurrencyCase.maxRunning > concurrency
    ? [`concurrency case: ${concurrencyCase.maxRunning} running at once, limit ${concurrency}`]
    : []),
];
if (failures.length > 0) {
  console.error(`FAILED:\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('Reliability: every check held.');
