import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src-main/cli/io';
import { main } from '../../../src-main/cli/main';
import { projectRoot } from '../../../src-main/core/paths';
import { parseReportCsv } from '../../../src-main/reports/csv';
import { useTempDirs } from '../../helpers/tempDir';
import { HOSTILE, reportWorkspace } from './workspace';

const tempDir = useTempDirs();

/** Runs the CLI in-process, as bin/transferlab.js would, capturing what it prints. */
async function transferlab(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    stderrIsTTY: false,
    stdoutIsTTY: false,
    stderr: new PassThrough(),
  };
  const code = await main(['node', 'transferlab', ...args], io);
  return { code, stdout, stderr };
}

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
});
