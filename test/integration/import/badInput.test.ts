import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src-main/cli/session';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { AppFailure } from '../../../src-shared/result';
import {
  DOT_CLASS,
  HTML_HEADER,
  writeBadInputCorpus,
  type BadInputCase,
} from '../../helpers/badInputCorpus';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * Issue 11: bad input is refused or reported, never silently changed. Each case of the corpus
 * (test/helpers/badInputCorpus.ts) goes through the core's `datasets.import`; the exact messages
 * are checked below it.
 */
const tempDir = useTempDirs();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function workspace(): Promise<{ core: Core; dir: string; corpus: BadInputCase[] }> {
  const dir = tempDir();
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  cores.push(core);
  return { core, dir, corpus: writeBadInputCorpus(tempDir()) };
}

function named(corpus: BadInputCase[], name: string): BadInputCase {
  const found = corpus.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no corpus case ${name}`);
  return found;
}

function importCase(core: Core, c: BadInputCase): ReturnType<typeof call<'datasets.import'>> {
  return call(core, 'datasets.import', {
    file: { kind: 'path', path: c.file },
    options: c.options,
  });
}

/** The message of the import's refusal (an AppFailure, as every bad input is). */
async function refusal(core: Core, c: BadInputCase): Promise<string> {
  try {
    await importCase(core, c);
  } catch (e) {
    expect(e, c.name).toBeInstanceOf(AppFailure);
    return (e as Error).message;
  }
  throw new Error(`${c.name}: imported`);
}

function stored(dir: string): string[] {
  const root = join(dir, 'datasets');
  return existsSync(root) ? readdirSync(root) : [];
}

describe('the bad-input corpus', () => {
  it('every case ends as it expects, saying what it must', async () => {
    const { core, dir, corpus } = await workspace();
    expect(corpus.length).toBeGreaterThanOrEqual(15);
    for (const c of corpus) {
      if (c.expectation === 'error') {
        expect(await refusal(core, c), c.name).toContain(c.mustMention);
        continue;
      }
      const result = await importCase(core, c);
      if (c.expectation === 'warning') {
        expect(result.report.warnings.join('\n'), c.name).toContain(c.mustMention);
      } else {
        const preview = await call(core, 'datasets.preview', { id: result.dataset.id });
        expect(preview.kind === 'tabular' ? preview.featureNames : [], c.name).toContain(
          c.mustMention,
        );
      }
    }
    // Two datasets imported with a warning and one as it is; nothing of the refused ones.
    expect(stored(dir)).toHaveLength(3);
  });
});

describe('what each case says', () => {
  const notFloat32 = (path: string, cell: string): string =>
    `Import refused: ${path}: line 3, column "height": "${cell}" is not a finite 32-bit float ` +
    '(features are stored as float32, at most ±3.4e38); rescale the column, mark the cell ' +
    'missing (empty or NA), or leave the column out of the features';

  it('1: refuses a value beyond float32 and infinity spelt out, naming the line and column', async () => {
    const { core, corpus } = await workspace();
    for (const [name, cell] of [
      ['csv-float32-overflow.csv', '1e39'],
      ['csv-double-overflow.csv', '-1e400'],
      ['csv-inf.csv', 'inf'],
      ['csv-infinity.csv', '-Infinity'],
    ] as const) {
      const c = named(corpus, name);
      expect(await refusal(core, c)).toBe(notFloat32(c.file, cell));
    }
    // Whatever the missing-value policy: no policy makes infinity a number.
    const c = named(corpus, 'csv-inf.csv');
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: c.file },
        options: { format: 'csv', missing: 'zero' },
      }),
    ).rejects.toThrow(notFloat32(c.file, 'inf'));
    // `nan` is a missing value: refused by default, counted and filled when the user says so.
    const nan = named(corpus, 'csv-nan.csv');
    expect(await refusal(core, nan)).toBe(
      `Import refused: ${nan.file}: line 3, column "height": missing value (1 in this column); ` +
        'choose a missing-value policy (drop-rows, mean or zero)',
    );
  });

  it('1: tells the overflow at inspection too', async () => {
    const { core, corpus } = await workspace();
    const c = named(corpus, 'csv-float32-overflow.csv');
    const inspected = await call(core, 'datasets.inspect', {
      file: { kind: 'path', path: c.file },
    });
    expect(inspected.warnings).toContain(
      'Column "height" holds "1e39" (line 3), not a finite 32-bit float: the import refuses it as a feature',
    );
  });

  it('2: refuses UTF-16 in both byte orders, with or without a byte-order mark', async () => {
    const { core, corpus } = await workspace();
    const advice =
      '; only UTF-8 (or ASCII) CSV is read: save the file as UTF-8 ' +
      '(Excel: "CSV UTF-8"; or iconv -t UTF-8) and import it again';
    for (const [name, what] of [
      ['csv-utf16be-bom.csv', 'the file is UTF-16BE text (it starts with a byte-order mark)'],
      ['csv-utf16be.csv', 'the file is UTF-16BE text (NUL bytes at every other byte)'],
      ['csv-utf16le-bom.csv', 'the file is UTF-16LE text (it starts with a byte-order mark)'],
      ['csv-utf16le.csv', 'the file is UTF-16LE text (NUL bytes at every other byte)'],
    ] as const) {
      const c = named(corpus, name);
      expect(await refusal(core, c)).toBe(`Import refused: ${c.file}: ${what}${advice}`);
      await expect(
        call(core, 'datasets.inspect', { file: { kind: 'path', path: c.file } }),
      ).rejects.toThrow(what);
    }
  });

  it('3: refuses a header without data rows, and a file cut short after 5 bytes', async () => {
    const { core, corpus } = await workspace();
    const needs =
      '. A CSV needs a header line and data rows below it (or, without a header, at least 2 rows)';
    const header = named(corpus, 'csv-header-only.csv');
    expect(await refusal(core, header)).toBe(
      `Import refused: ${header.file}: no data rows: the file holds a single line ("width,height,label")${needs}`,
    );
    const cut = named(corpus, 'csv-truncated.csv');
    expect(await refusal(core, cut)).toBe(
      `Import refused: ${cut.file}: no data rows: the file holds a single line ("width"), ` +
        `with no line break at its end: is the file cut short?${needs}`,
    );
    // A header given as such changes nothing: still one line, no data.
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: header.file },
        options: { format: 'csv', header: 'yes' },
      }),
    ).rejects.toThrow('no data rows');
  });

  it('4: reads the header of a CSV with text columns and an NA, never as a row', async () => {
    const { core, corpus } = await workspace();
    const c = named(corpus, 'csv-header-text-columns.csv');
    const result = await importCase(core, c);
    expect(result.dataset.samples).toBe(3);
    expect(result.report.labelMap).toEqual([
      { original: 'healthy', label: 0 },
      { original: 'sick', label: 1 },
    ]);
    expect(result.report.warnings).toEqual([
      'Column "smoker" is categorical: its 1 missing cells have no category (all zeros)',
      'Column "column 4" has no values (all 3 cells are missing): it was filled with 0, a ' +
        'constant feature; leave it out of the features',
    ]);
    const preview = await call(core, 'datasets.preview', { id: result.dataset.id });
    if (preview.kind !== 'tabular') throw new Error('expected a tabular preview');
    expect(preview.featureNames).toEqual(['age', 'smoker=no', 'smoker=yes', 'column 4']);
  });

  it('4: refuses a header repeated below (two files joined), which made `label` a class', async () => {
    const { core, corpus } = await workspace();
    const c = named(corpus, 'csv-repeated-header.csv');
    expect(await refusal(core, c)).toBe(
      `Import refused: ${c.file}: line 3 repeats the header row (were two files joined?); remove it and import again`,
    );
  });

  it('5: names a hidden class folder it leaves out, in the report and at inspection', async () => {
    const { core, corpus } = await workspace();
    const c = named(corpus, 'image-folder-dot-class');
    const said =
      `hidden folder(s), not imported as classes: "${DOT_CLASS}"; a name starting with "." ` +
      'hides a folder: rename it to import it as a class';
    const result = await importCase(core, c);
    expect(result.dataset.classes).toEqual([0, 1]);
    expect(result.report.labelMap?.map((l) => l.original)).toEqual(['cat', 'dog']);
    expect(result.report.warnings).toEqual([`Skipped 1 ${said}`]);
    const inspected = await call(core, 'datasets.inspect', {
      file: { kind: 'path', path: c.file },
    });
    expect(inspected.warnings).toEqual([`Will skip 1 ${said}`]);
  });

  it('6: keeps a header with markup verbatim (the page escapes it)', async () => {
    const { core, corpus } = await workspace();
    const result = await importCase(core, named(corpus, 'csv-html-header.csv'));
    expect(result.report.warnings).toEqual([]);
    const preview = await call(core, 'datasets.preview', { id: result.dataset.id });
    expect(preview.kind === 'tabular' ? preview.featureNames : []).toEqual([HTML_HEADER]);
  });
});
