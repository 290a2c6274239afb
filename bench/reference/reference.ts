/**
 * `npm run reference -- <spec.json> [--workspace DIR] [--experiment ID] [--json FILE]`
 *
 * Runs an experiment spec with Transferlab (`transferlab run`), exports every completed run's
 * exact rows and settings (exportRuns.ts), trains the same protocol in PyTorch
 * (torch_reference.py, through /usr/bin/python3 with Debian's python3-torch) and prints the two
 * side by side: each variant's mean test accuracy on both sides with the paired difference
 * over seeds, and each side's paired gain over scratch. With --experiment, the runs of an
 * experiment already in the workspace are compared and nothing is run.
 *
 * Not part of `npm test` (it needs PyTorch, and minutes): see bench/README.md.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import Table from 'cli-table3';
import { z } from 'zod';
import { openDb } from '../../src-main/store/db';
import type { PairedComparison } from '../../src-main/analysis/paired';
import { exportRuns } from './exportRuns';
import { ReferenceOutputSchema, sideBySide, type SideBySide, type Summary } from './sideBySide';

const root = resolve(import.meta.dirname, '../..');

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
};

/** What `transferlab run --json` prints, as far as this script reads it. */
const RunOutputSchema = z.object({ experimentId: z.int() });

/** Runs a command, passing its stderr through; resolves with its stdout. */
function exec(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? 'a signal'}`));
    });
  });
}

const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');
const meanSd = (s: Summary): string => `${pct(s.mean)} ± ${pct(s.sd)}`;

function paired(c: PairedComparison): string {
  if (c.meanDiff === undefined) return '–';
  const d = `${c.meanDiff >= 0 ? '+' : '−'}${pct(Math.abs(c.meanDiff))} pts`;
  return c.tTest.ok ? `${d} (t = ${c.tTest.t.toFixed(2)}, p = ${c.tTest.p.toFixed(3)})` : d;
}

function print(result: SideBySide, torch: string): void {
  // Colours only on a terminal: a redirected table stays plain text.
  const style = process.stdout.isTTY ? {} : { head: [], border: [] };
  const rows = new Table({
    style,
    head: ['cell', 'variant', 'seeds', 'Transferlab', `PyTorch ${torch}`, 'ours − reference'],
  });
  for (const r of result.rows) {
    rows.push([
      r.group,
      r.variant,
      String(r.difference.n),
      meanSd(r.ours),
      meanSd(r.reference),
      paired(r.difference),
    ]);
  }
  console.log(`${result.metric} in %, mean ± sd over seeds; paired t-test over seeds`);
  console.log(rows.toString());
  if (result.gains.length > 0) {
    const gains = new Table({
      style,
      head: ['cell', 'variant', 'Transferlab − scratch', 'wins', 'PyTorch − scratch', 'wins'],
    });
    for (const g of result.gains) {
      gains.push([
        g.group,
        g.variant,
        paired(g.ours),
        `${g.oursWins}/${g.ours.n}`,
        paired(g.reference),
        `${g.referenceWins}/${g.reference.n}`,
      ]);
    }
    console.log(gains.toString());
  }
  for (const line of result.skipped) console.log(`skipped ${line}`);
}

async function main(): Promise<void> {
  const program = new Command('reference')
    .argument('[spec]', 'experiment spec to run (omit with --experiment)')
    .option('--workspace <dir>', 'workspace folder (default: a new temporary one)')
    .option('--experiment <id>', 'compare an experiment already run in --workspace', positiveInt)
    .option('--threads <n>', 'PyTorch threads', positiveInt, 1)
    .option('--python <path>', 'the interpreter with torch', '/usr/bin/python3')
    .option('--json <file>', 'also write both sides and the comparison as JSON')
    .parse();
  const opts = program.opts<{
    workspace?: string;
    experiment?: number;
    threads: number;
    python: string;
    json?: string;
  }>();
  const spec = program.args[0];
  if ((spec === undefined) === (opts.experiment === undefined)) {
    program.error('give a spec to run, or --experiment with --workspace, not both');
  }
  if (opts.experiment !== undefined && opts.workspace === undefined) {
    program.error('--experiment needs --workspace');
  }
  const workspace = resolve(opts.workspace ?? (await mkdtemp(join(tmpdir(), 'tl-reference-'))));
  let experimentId = opts.experiment;
  if (spec !== undefined) {
    console.error(`Transferlab: running ${spec} in ${workspace}`);
    const out = await exec(process.execPath, [
      join(root, 'bin/transferlab.js'),
      'run',
      resolve(spec),
      '--workspace',
      workspace,
      '--json',
    ]);
    experimentId = RunOutputSchema.parse(JSON.parse(out)).experimentId;
  }
  if (experimentId === undefined) throw new Error('no experiment to compare');
  const dir = await mkdtemp(join(tmpdir(), 'tl-reference-rows-'));
  const db = openDb(join(workspace, 'transferlab.sqlite'));
  let exported;
  try {
    exported = await exportRuns(db, workspace, experimentId, dir, (line) => {
      console.error(line);
    });
  } finally {
    db.close();
  }
  for (const line of exported.skipped) console.error(`not exported: run ${line}`);
  console.error(`PyTorch: training the same protocol on the same rows (${dir})`);
  const outFile = join(dir, 'reference.json');
  await exec(opts.python, [
    join(root, 'bench/reference/torch_reference.py'),
    join(dir, 'manifest.json'),
    '--out',
    outFile,
    '--threads',
    String(opts.threads),
  ]);
  const output = ReferenceOutputSchema.parse(JSON.parse(await readFile(outFile, 'utf8')));
  const result = sideBySide(exported.manifest.runs, output);
  console.log(`Experiment #${experimentId} in ${workspace}`);
  print(result, output.torch);
  if (opts.json !== undefined) {
    await writeFile(
      opts.json,
      JSON.stringify({ workspace, experimentId, runs: exported.manifest.runs, output, result }),
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
