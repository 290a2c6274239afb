/**
 * CSV import with bounded memory (issue 4): generates a CSV of about --gb gigabytes (default 1)
 * in a temporary folder, imports it into a fresh workspace in a child process (the whole
 * 'datasets.import' path: both streaming passes, the file digest, the commit), and prints the
 * child's peak RSS (process.resourceUsage().maxRSS) and throughput. Everything is deleted after.
 *
 *   npx tsx bench/csvImport.ts [--gb 1] [--features 20] [--keep]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const ChildResult = z.object({
  seconds: z.number(),
  maxRssKiB: z.number(),
  rows: z.int(),
  features: z.int(),
  reused: z.boolean(),
});

async function generate(path: string, bytes: number, features: number): Promise<number> {
  const out = createWriteStream(path);
  const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'colour', 'label'];
  out.write(`${header.join(',')}\n`);
  let written = 0;
  let rows = 0;
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const label = rows % 5;
      const values = Array.from({ length: features }, () => (label + next() * 3).toFixed(4));
      lines.push(`${values.join(',')},${['red', 'green', 'blue'][rows % 3] ?? ''},${label}`);
      rows += 1;
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

async function child(csv: string, workspace: string): Promise<void> {
  const { openCore } = await import('../src-main/core/core');
  const { call } = await import('../src-main/cli/session');
  const core = await openCore({ workspaceDir: workspace, transport: 'in-process', queue: 'none' });
  const started = performance.now();
  const result = await call(core, 'datasets.import', {
    file: { kind: 'path', path: csv },
    options: { format: 'csv', missing: 'refuse' },
  });
  const seconds = (performance.now() - started) / 1000;
  await core.close();
  process.stdout.write(
    JSON.stringify({
      seconds,
      maxRssKiB: process.resourceUsage().maxRSS,
      rows: result.dataset.samples,
      features: result.dataset.featureShape[0] ?? 0,
      reused: result.reused,
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      gb: { type: 'string', default: '1' },
      features: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      child: { type: 'string' },
      workspace: { type: 'string' },
    },
  });
  if (values.child !== undefined && values.workspace !== undefined) {
    await child(values.child, values.workspace);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'transferlab-bench-csv-'));
  try {
    const csv = join(dir, 'big.csv');
    const t0 = performance.now();
    const rows = await generate(csv, Number(values.gb) * 1024 ** 3, Number(values.features));
    const bytes = statSync(csv).size;
    console.log(
      `generated ${csv}: ${(bytes / 1024 ** 2).toFixed(0)} MiB, ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        csv,
        '--workspace',
        join(dir, 'ws'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const [code] = (await once(proc, 'close')) as [number | null];
    if (code !== 0) throw new Error(`the import process exited with ${code}`);
    const r = ChildResult.parse(JSON.parse(stdout));
    const stored = statSync(join(dir, 'ws', 'datasets')).isDirectory();
    console.log(
      [
        `imported ${r.rows} rows × ${r.features} features (stored: ${stored}) in ${r.seconds.toFixed(1)} s`,
        `throughput: ${(bytes / 1024 ** 2 / r.seconds).toFixed(1)} MiB/s of CSV, ${Math.round(r.rows / r.seconds)} rows/s (two passes + file digest)`,
        `peak RSS of the importing process: ${(r.maxRssKiB / 1024).toFixed(0)} MiB (file: ${(bytes / 1024 ** 2).toFixed(0)} MiB)`,
      ].join('\n'),
    );
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
