import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, openCliCore } from '../../../src-main/cli/session';
import { withReportSink } from '../../../src-main/reports/sink';
import { stageIntoFolder } from '../../../src-main/reports/writeReport';
import { openDb } from '../../../src-main/store/db';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { useTempDirs } from '../../helpers/tempDir';
import { finishAllRuns, hostileSpec, reportWorkspace } from './workspace';

/**
 * Issue 11, "reports recorded but never written": a report is recorded only once its file is
 * written; `--out dir/` is a folder; bidirectional-text and control characters never reach a
 * file name.
 */
const tempDir = useTempDirs();

const transferlab = transferlabInProcess;

async function recordedIds(workspace: string): Promise<number[]> {
  const listed = await transferlab('reports', '--json', '--workspace', workspace);
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { id: number }[]).map((r) => r.id);
}

const DEFAULT_MD = 'Comparison-of-img-src-x-onerror-alert-1.md';

describe('transferlab report --out (issue 11)', () => {
  it('records nothing when the file is refused', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const id = String(ws.experimentId);
    const report = (...flags: string[]) =>
      transferlab('report', id, '--format', 'md', ...flags, '--workspace', ws.dir);

    // Refused after the report is built: its own name is taken in the chosen folder.
    writeFileSync(join(out, DEFAULT_MD), 'theirs');
    const taken = await report('--out', out);
    expect(taken.code).toBe(1);
    expect(withoutNotice(taken.stderr)).toBe(
      `transferlab: ${join(out, DEFAULT_MD)} already exists; choose another name, or add --force.\n`,
    );
    expect(readFileSync(join(out, DEFAULT_MD), 'utf8')).toBe('theirs');

    // Refused before: a file named, or a folder to create, in a folder that is not there.
    writeFileSync(join(out, 'file'), '');
    for (const [target, message] of [
      [join(out, 'missing', 'r.md'), `--out: the folder ${join(out, 'missing')} does not exist`],
      [join(out, 'file', 'sub') + '/', `--out: the folder ${join(out, 'file')} does not exist`],
      [join(out, 'file') + '/', `--out: ${join(out, 'file')} is not a folder`],
    ] as const) {
      const refused = await report('--out', target);
      expect(refused.code).toBe(2);
      expect(withoutNotice(refused.stderr)).toBe(`transferlab: ${message}\n`);
    }
    const named = await report('--out', join(out, 'file'));
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/file already exists; choose another name, or add --force/);

    expect(await recordedIds(ws.dir)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([DEFAULT_MD, 'file']);

    // The same request, written: recorded once.
    const written = await report('--out', join(out, 'ok.md'));
    expect(written.code, written.stderr).toBe(0);
    expect(await recordedIds(ws.dir)).toHaveLength(1);
  });

  it('takes a path ending in a separator as a folder, created if missing', async () => {
    const ws = await reportWorkspace(tempDir());
    await ws.close();
    const out = tempDir();
    const id = String(ws.experimentId);
    const report = (target: string) =>
      transferlab('report', id, '--format', 'md', '--out', target, '--workspace', ws.dir);

    const created = await report(join(out, 'newdir') + '/');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe(`${join(out, 'newdir', DEFAULT_MD)}\n`);
    expect(readdirSync(join(out, 'newdir'))).toEqual([DEFAULT_MD]);
    expect(readFileSync(join(out, 'newdir', DEFAULT_MD), 'utf8')).toMatch(/^# Comparison of/);

    // Existing now: the same folder, and the same refusal of a name already taken.
    const again = await report(join(out, 'newdir') + '/');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(await recordedIds(ws.dir)).toHaveLength(1);
  });

  it('writes no bidirectional-text or control character into a file name', async () => {
    const dir = tempDir();
    const core = await openCliCore(dir, 'none');
    const db = openDb(join(dir, 'transferlab.sqlite'));
    try {
      const { experimentId } = await call(core, 'experiments.create', {
        spec: { ...hostileSpec(), name: 'evil\u202egpj.exe' },
      });
      finishAllRuns(db);
      const out = tempDir();

      // The app's export (reports.create): the name comes from the experiment's.
      const compare = { selection: { experimentIds: [experimentId] } };
      const file = await call(core, 'reports.create', { compare, format: 'md' });
      expect(file.fileName).toBe('Comparison-of-evil-gpj.exe.md');

      // The CLI, into a folder (the default name) and under a name given with U+202E.
      const cli = (...flags: string[]) =>
        transferlab('report', String(experimentId), '--format', 'md', ...flags, '--workspace', dir);
      await core.close();
      expect((await cli('--out', out)).code).toBe(0);
      const named = await cli('--out', join(out, 'report\u202edm.exe'));
      expect(named.code, named.stderr).toBe(0);
      expect(named.stderr).toContain(
        '--out: "report\\u{202e}dm.exe" has characters a file name should not carry; writing "report_dm.exe" instead',
      );
      expect(named.stdout).toBe(`${join(out, 'report_dm.exe')}\n`);
      const titled = await cli('--out', out, '--title', 'A\u2067B\u200fC\u0085');
      expect(titled.code, titled.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual([
        'A-B-C.md',
        'Comparison-of-evil-gpj.exe.md',
        'report_dm.exe',
      ]);
    } finally {
      db.close();
      await core.close();
    }
  });
});

describe('reports written through a sink (the CLI in-process)', () => {
  it('records a report only if its file is written, and keeps no file it did not record', async () => {
    const ws = await reportWorkspace(tempDir());
    try {
      const out = tempDir();
      const compare = { selection: { experimentIds: [ws.experimentId] } };
      const create = () => call(ws.core, 'reports.create', { compare, format: 'csv' });

      // Refused while staging: nothing recorded.
      await expect(
        withReportSink(() => {
          throw new Error('refused');
        }, create),
      ).rejects.toThrow('refused');

      // Refused at publication (its name taken meanwhile): the record is rolled back.
      await expect(
        withReportSink(({ bytes }) => {
          const staged = stageIntoFolder(out, 'r.csv', bytes);
          return {
            publish: () => {
              writeFileSync(join(out, 'r.csv'), 'theirs');
              staged.publish();
            },
            discard: () => {
              staged.discard();
            },
          };
        }, create),
      ).rejects.toThrow(`${join(out, 'r.csv')} already exists`);
      expect(await call(ws.core, 'reports.list', {})).toEqual([]);
      expect(readdirSync(out)).toEqual(['r.csv']);
      expect(readFileSync(join(out, 'r.csv'), 'utf8')).toBe('theirs');

      // Written: recorded, with the sha256 of the bytes written.
      let path = '';
      const file = await withReportSink(({ bytes }) => {
        const staged = stageIntoFolder(out, 'ok.csv', bytes);
        return {
          publish: () => {
            path = staged.publish();
          },
          discard: () => {
            staged.discard();
          },
        };
      }, create);
      const records = await call(ws.core, 'reports.list', {});
      expect(records.map((r) => r.id)).toEqual([file.reportId]);
      expect(readFileSync(path, 'utf8')).toBe(file.content);
    } finally {
      await ws.close();
    }
  });
});

/**
 * stderr without the "Building the md report…" notice, which the CLI prints only when building
 * takes over a second: on a loaded machine it may come, and it is not what these tests check.
 */
function withoutNotice(stderr: string): string {
  return stderr.replace(/^Building the \w+ report…\n/gm, '');
}
