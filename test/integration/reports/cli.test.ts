import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src-main/core/paths';
import { parseReportCsv } from '../../../src-main/reports/csv';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { useTempDirs } from '../../helpers/tempDir';
import { transferlabPiped, transferlabProcess } from '../cli/cliProcess';
import { HOSTILE, L2SP_VARIANT, reportWorkspace, variantWorkspace } from './workspace';

const tempDir = useTempDirs();

const transferlab = transferlabInProcess;

describe('transferlab report and import-bundle', () => {
  it('writes each format, refuses bad ids and escapes, and imports a bundle elsewhere', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const id = String(ws.experimentId);

    const csv = await transferlab(
      'report',
      id,
      '--format',
      'csv',
      '--out',
      join(out, 'r.csv'),
      '--workspace',
      ws.dir,
    );
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim()).toBe(join(out, 'r.csv'));
    const runs = parseReportCsv(readFileSync(join(out, 'r.csv'), 'utf8')).get('runs');
    expect(runs?.rows[0]?.[2]).toBe(HOSTILE.experiment);

    // An existing file is kept unless --force.
    const again = await transferlab(
      'report',
      id,
      '--format',
      'csv',
      '--out',
      join(out, 'r.csv'),
      '--workspace',
      ws.dir,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const forced = await transferlab(
      'report',
      id,
      '--format',
      'md',
      '--out',
      join(out, 'r.csv'),
      '--force',
      '--workspace',
      ws.dir,
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, 'r.csv'), 'utf8')).toMatch(/^# Comparison of/);

    // --out as a folder: the report's own sanitised name.
    const html = await transferlab(
      'report',
      id,
      '--format',
      'html',
      '--out',
      out,
      '--test',
      'wilcoxon',
      '--workspace',
      ws.dir,
    );
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout.trim()).toBe(join(out, 'Comparison-of-img-src-x-onerror-alert-1.html'));
    expect(readFileSync(html.stdout.trim(), 'utf8')).toContain('--test wilcoxon');

    for (const bad of [
      ['report', '999', '--format', 'html', '--out', join(out, 'x.html')],
      ['report', 'abc', '--format', 'html', '--out', join(out, 'x.html')],
      ['report', id, '--format', 'docx', '--out', join(out, 'x.docx')],
      ['report', id, '--format', 'html', '--out', join(out, 'no-such-folder', 'x.html')],
      ['report', id, '--format', 'html', '--out', join(out, 'x.html'), '--runs', '1,x'],
      ['report', '--format', 'html', '--out', join(out, 'x.html')],
      ['report', id, '--format', 'html'],
    ]) {
      const result = await transferlab(...bad, '--workspace', ws.dir);
      expect(result.code, `${bad.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^transferlab: |error:/);
    }
    expect(
      (
        await transferlab(
          'report',
          '999',
          '--format',
          'html',
          '--out',
          join(out, 'x.html'),
          '--workspace',
          ws.dir,
        )
      ).stderr,
    ).toContain('No experiment #999');
    expect(existsSync(join(out, 'x.html'))).toBe(false);

    // --request: the request a report prints, for options the flags cannot say.
    const request = join(out, 'request.json');
    writeFileSync(
      request,
      JSON.stringify({ selection: { experimentIds: [ws.experimentId] }, options: { band: 'std' } }),
    );
    const fromRequest = await transferlab(
      'report',
      '--request',
      request,
      '--format',
      'md',
      '--out',
      join(out, 'q.md'),
      '--workspace',
      ws.dir,
    );
    expect(fromRequest.code, fromRequest.stderr).toBe(0);
    expect(readFileSync(join(out, 'q.md'), 'utf8')).toContain('"band": "std"');

    const bundle = await transferlab(
      'report',
      id,
      '--format',
      'json',
      '--out',
      join(out, 'b.json'),
      '--workspace',
      ws.dir,
    );
    expect(bundle.code, bundle.stderr).toBe(0);
    const other = tempDir();
    const imported = await transferlab(
      'import-bundle',
      join(out, 'b.json'),
      '--workspace',
      other,
      '--json',
    );
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as { experimentIds: number[]; runIds: number[] };
    expect(result.runIds).toHaveLength(ws.runIds.length);
    const twice = await transferlab('import-bundle', join(out, 'b.json'), '--workspace', other);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already in this workspace/);
    const missing = await transferlab(
      'import-bundle',
      join(out, 'nope.json'),
      '--workspace',
      other,
    );
    expect(missing.code).toBe(2);
  });

  it('lists recorded reports and regenerates one from the database', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const md = join(out, 'first.md');
    const first = await transferlab(
      'report',
      String(ws.experimentId),
      '--format',
      'md',
      '--baseline',
      'scratch',
      '--out',
      md,
      '--workspace',
      ws.dir,
    );
    expect(first.code, first.stderr).toBe(0);
    const listed = await transferlab('reports', '--json', '--workspace', ws.dir);
    expect(listed.code, listed.stderr).toBe(0);
    const records = JSON.parse(listed.stdout) as { id: number; format: string }[];
    expect(records.map((r) => r.format)).toEqual(['md']);
    const table = await transferlab('reports', '--workspace', ws.dir);
    expect(table.stdout).toContain(`experiments #${ws.experimentId}`);

    // Regenerated from the stored request, in the same format: the same report but its time.
    const again = join(out, 'again.md');
    const regenerated = await transferlab(
      'report',
      '--from',
      String(records[0]?.id),
      '--format',
      'md',
      '--out',
      again,
      '--workspace',
      ws.dir,
    );
    expect(regenerated.code, regenerated.stderr).toBe(0);
    const stamp = (text: string): string => text.replace(/Generated \S+/g, 'Generated <time>');
    expect(stamp(readFileSync(again, 'utf8'))).toBe(stamp(readFileSync(md, 'utf8')));

    const mixed = await transferlab(
      'report',
      '1',
      '--from',
      '1',
      '--format',
      'md',
      '--out',
      join(out, 'x.md'),
      '--workspace',
      ws.dir,
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/leave out <experiment-id>/);
    const unknown = await transferlab(
      'report',
      '--from',
      '99',
      '--format',
      'md',
      '--out',
      join(out, 'y.md'),
      '--workspace',
      ws.dir,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No report #99/);
  });

  it('keeps variants apart, and selects among them with --selection and --select-by', async () => {
    const ws = await variantWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const id = String(ws.experimentId);
    const report = async (file: string, ...flags: string[]): Promise<string> => {
      const result = await transferlab(
        'report',
        id,
        '--format',
        file.split('.').at(-1) ?? '',
        '--out',
        join(out, file),
        ...flags,
        '--workspace',
        ws.dir,
      );
      expect(result.code, result.stderr).toBe(0);
      return readFileSync(join(out, file), 'utf8');
    };

    // No selection: plain fine-tuning and L2-SP are two rows, 3 seeds each per budget.
    const plain = parseReportCsv(await report('plain.csv'));
    const rows = plain.get('summary')?.rows ?? [];
    expect([...new Set(rows.map((r) => r[0]))]).toEqual(['scratch', 'fine-tune', L2SP_VARIANT]);
    expect(rows.filter((r) => r[1] === 'fine-tune').map((r) => [r[0], r[4]])).toEqual([
      ['fine-tune', '3'],
      ['fine-tune', '3'],
      [L2SP_VARIANT, '3'],
      [L2SP_VARIANT, '3'],
    ]);
    expect(plain.has('selection')).toBe(false);
    expect(plain.get('gains')?.rows.map((r) => r[3])).toEqual([
      'fine-tune',
      'fine-tune',
      L2SP_VARIANT,
      L2SP_VARIANT,
    ]);

    // The baseline names a row: the plain variant's label is `fine-tune`; a name no row has
    // gets a note and no gains.
    const exact = parseReportCsv(await report('exact.csv', '--baseline', 'fine-tune'));
    expect(exact.get('gains')?.rows.map((r) => [r[3], r[6]])).toEqual([
      [L2SP_VARIANT, 'fine-tune'],
      [L2SP_VARIANT, 'fine-tune'],
    ]);
    const missing = await report('missing.md', '--baseline', 'mmd');
    expect(missing).toContain('## Notes');
    expect(missing).toContain('No compared row is "mmd": no gains are computed against it.');
    expect(missing).toContain('baseline mmd (matches no compared row)');

    // Selected on validation: one fine-tune row; L2-SP validates better at seeds 0 and 1.
    const row = 'fine-tune [selected on val_acc]';
    const selected = parseReportCsv(
      await report('selected.csv', '--selection', 'validation', '--select-by', 'val_acc'),
    );
    expect([
      ...new Set(selected.get('summary')?.rows.map((r) => r.slice(0, 3).join(' | '))),
    ]).toEqual(['scratch | scratch | as-run', `${row} | fine-tune | selected-validation`]);
    expect(selected.get('selection')?.rows).toEqual([
      [
        row,
        'fine-tune',
        'selected-validation',
        'val_acc',
        'fine-tune',
        '2',
        '6',
        'split',
        '40',
        '40',
        'split',
        '10',
        '80',
      ],
      [
        row,
        'fine-tune',
        'selected-validation',
        'val_acc',
        L2SP_VARIANT,
        '4',
        '6',
        'split',
        '40',
        '40',
        'split',
        '10',
        '80',
      ],
    ]);
    const md = await report('selected.md', '--selection', 'validation', '--select-by', 'val_acc');
    expect(md).toContain('## Model selection');
    expect(md).toContain('validation split, 40 labelled rows per choice');
    expect(md).toContain('10–80 labelled rows per choice');
    expect(md).toContain('--selection validation --select-by val_acc');

    // The selected row is one row, so its strategy names it as the baseline (listed first).
    const against = await report(
      'against.md',
      '--selection',
      'validation',
      '--baseline',
      'fine-tune',
    );
    expect(against).toContain('baseline fine-tune \\[selected on val\\_acc\\],');
    expect(against).toContain(
      'Δ = variant − fine-tune \\[selected on val\\_acc\\] (selected on validation)',
    );
    expect(against).toMatch(
      /\| variant \| rule \| 10\/class \| 80\/class \|\n\| --- .*\n\| fine-tune \\\[selected on val\\_acc\\\] \| selected on validation \|/,
    );

    // The oracle, in every format.
    const oracleRow = 'fine-tune [oracle: selected on test_acc]';
    const html = await report('oracle.html', '--selection', 'oracle');
    expect(html).toContain('Model selection: ORACLE, selected on test (test_acc)');
    expect(html).toContain('<td>oracle: selected on test</td>');
    expect(html).toContain(`<td>${oracleRow}</td>`);
    expect(await report('oracle.md', '--selection', 'oracle')).toContain(
      '**Oracle: these rows were chosen on the test data',
    );
    expect(await report('oracle.tex', '--selection', 'oracle')).toContain(
      'fine-tune [oracle: selected on test\\_acc] & oracle: selected on test',
    );
    const oracle = parseReportCsv(await report('oracle.csv', '--selection', 'oracle'));
    expect(oracle.get('selection')?.rows.map((r) => [r[2], r[4], r[5], r[7]])).toEqual([
      ['selected-oracle', 'fine-tune', '0', 'test'],
      ['selected-oracle', L2SP_VARIANT, '6', 'test'],
    ]);
    const bundle = JSON.parse(await report('oracle.json', '--selection', 'oracle')) as {
      request: { options: { selection: string } };
      runs: { variant?: string }[];
    };
    expect(bundle.request.options.selection).toBe('oracle');
    expect(bundle.runs.filter((r) => r.variant === L2SP_VARIANT)).toHaveLength(6);

    // --select-by belongs to --selection validation.
    const refused = await transferlab(
      'report',
      id,
      '--format',
      'md',
      '--out',
      join(out, 'refused.md'),
      '--selection',
      'oracle',
      '--select-by',
      'val_acc',
      '--workspace',
      ws.dir,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--select-by names the metric of --selection validation');
    expect(existsSync(join(out, 'refused.md'))).toBe(false);
  });

  it('prints a PDF through bin/transferlab.js', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const file = join(tempDir(), 'r.pdf');
    const child = spawn(
      process.execPath,
      [
        join(projectRoot(), 'bin', 'transferlab.js'),
        'report',
        String(ws.experimentId),
        '--format',
        'pdf',
        '--out',
        file,
        '--workspace',
        ws.dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('writes a report to stdout with --out -, and says what it wrote with --json (issue 12)', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const id = String(ws.experimentId);
    const records = async (): Promise<{ id: number; format: string; sha256: string }[]> => {
      const listed = await transferlab('reports', '--json', '--workspace', ws.dir);
      expect(listed.code, listed.stderr).toBe(0);
      return JSON.parse(listed.stdout) as { id: number; format: string; sha256: string }[];
    };
    const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

    // stdout holds the report's bytes and nothing else; stderr says what was recorded.
    const md = await transferlabPiped([
      'report',
      id,
      '--format',
      'md',
      '--out',
      '-',
      '--workspace',
      ws.dir,
    ]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout.toString('utf8')).toMatch(/^# Comparison of/);
    const [first] = await records();
    expect(first?.sha256).toBe(sha256(md.stdout));
    expect(md.stderr).toBe(
      `Report #${first?.id} (md, ${md.stdout.byteLength} bytes, sha256 ${sha256(md.stdout)}) written to stdout\n`,
    );
    expect(existsSync(resolve('-')), 'no file named "-"').toBe(false);

    // --json: one document, what was written, and the same digest as the record.
    const file = join(out, 'r.csv');
    const json = await transferlab(
      'report',
      id,
      '--format',
      'csv',
      '--out',
      file,
      '--json',
      '--workspace',
      ws.dir,
    );
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['bytes', 'format', 'path', 'reportId', 'sha256']);
    const recorded = (await records()).find((r) => r.id === doc.reportId);
    expect(doc).toEqual({
      reportId: recorded?.id,
      format: 'csv',
      path: file,
      bytes: statSync(file).size,
      sha256: sha256(readFileSync(file)),
    });
    expect(recorded?.sha256).toBe(doc.sha256);

    // What cannot go with --out -, refused before anything is built or recorded.
    const before = (await records()).length;
    for (const [flags, message, tty] of [
      [['--format', 'md', '--json'], '--json and --out - would both write to stdout', false],
      [['--format', 'md', '--force'], '--force replaces a file; --out - writes to stdout', false],
      [['--format', 'pdf'], 'a PDF is not written to a terminal', true],
    ] as const) {
      const refused = await transferlabPiped(
        ['report', id, ...flags, '--out', '-', '--workspace', ws.dir],
        { stdoutIsTTY: tty },
      );
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(message);
      expect(refused.stdout.byteLength).toBe(0);
    }
    expect(await records()).toHaveLength(before);

    // --request -: the request JSON on stdin (here with the report on stdout as well).
    const fromStdin = await transferlabPiped(
      ['report', '--request', '-', '--format', 'md', '--out', '-', '--workspace', ws.dir],
      {
        stdin: JSON.stringify({
          selection: { experimentIds: [ws.experimentId] },
          options: { band: 'std' },
        }),
      },
    );
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout.toString('utf8')).toContain('"band": "std"');
    const notJson = await transferlabPiped(
      [
        'report',
        '--request',
        '-',
        '--format',
        'md',
        '--out',
        join(out, 'x.md'),
        '--workspace',
        ws.dir,
      ],
      { stdin: '{' },
    );
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^transferlab: --request: <stdin> is not JSON/);
  });

  it('through bin/transferlab.js: --out - gives the bytes recorded, and a refused stdout records nothing', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const id = String(ws.experimentId);
    const args = ['report', id, '--format', 'csv', '--out', '-', '--workspace', ws.dir];
    const count = async (): Promise<number> =>
      (
        JSON.parse(
          (await transferlab('reports', '--json', '--workspace', ws.dir)).stdout,
        ) as unknown[]
      ).length;

    const written = await transferlabProcess(args);
    expect(written.code, written.stderr).toBe(0);
    expect(parseReportCsv(written.stdout.toString('utf8')).get('runs')?.rows[0]?.[2]).toBe(
      HOSTILE.experiment,
    );
    const listed = JSON.parse(
      (await transferlab('reports', '--json', '--workspace', ws.dir)).stdout,
    ) as { sha256: string }[];
    expect(listed.map((r) => r.sha256)).toEqual([
      createHash('sha256').update(written.stdout).digest('hex'),
    ]);

    // A reader gone before the report is ready: EPIPE, exit 1, no record.
    const closed = await transferlabProcess(args, {
      started: (stdout: Readable | null) => {
        stdout?.destroy();
      },
    });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain(
      'transferlab: Could not write the report to stdout: broken pipe (EPIPE).',
    );
    expect(await count()).toBe(1);

    // stdout redirected to a full disk: ENOSPC, exit 1, no record.
    if (existsSync('/dev/full')) {
      const fd = openSync('/dev/full', 'w');
      try {
        const full = await transferlabProcess(args, { stdout: fd });
        expect(full.code).toBe(1);
        expect(full.stderr).toContain(
          'Could not write the report to stdout: no space left on device',
        );
      } finally {
        closeSync(fd);
      }
      expect(await count()).toBe(1);
    }
  });
});
