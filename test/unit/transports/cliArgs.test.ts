import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseArgs,
  RunArgsSchema,
  RunsArgsSchema,
  ServeArgsSchema,
  UsageError,
} from '../../../src-main/cli/args';
import { main } from '../../../src-main/cli/main';
import { compareInputFrom, ReportArgsSchema } from '../../../src-main/cli/report';
import type { CliIo } from '../../../src-main/cli/io';
import { readSpecFile } from '../../../src-main/cli/run';
import { useTempDirs } from '../../helpers/tempDir';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { formatIssue } from '../../../src-shared/result';

const tempDir = useTempDirs();

function capture(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return {
    outText,
    errText,
    out: (text) => outText.push(text),
    err: (text) => errText.push(text),
    stderrIsTTY: false,
    stdoutIsTTY: false,
    stderr: process.stderr,
  };
}

function usageIssues(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.issues.map(formatIssue);
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('argument schemas', () => {
  it('parse a port between 0 and 65535', () => {
    expect(parseArgs(ServeArgsSchema, {})).toEqual({ port: 0 });
    expect(parseArgs(ServeArgsSchema, { port: '8080' })).toEqual({ port: 8080 });
    expect(usageIssues(() => parseArgs(ServeArgsSchema, { port: '65536' }))).toEqual([
      '--port: must be at most 65535',
    ]);
    for (const port of ['-1', '80.5', 'http', '', '1e3', '0x50']) {
      expect(
        usageIssues(() => parseArgs(ServeArgsSchema, { port })),
        port,
      ).toEqual(['--port: must be a whole number']);
    }
  });

  it('resolve a workspace folder and refuse a file', () => {
    const dir = tempDir();
    const file = join(dir, 'file.txt');
    writeFileSync(file, '');
    expect(parseArgs(RunsArgsSchema, { workspace: dir })).toEqual({ workspace: dir, json: false });
    expect(parseArgs(RunsArgsSchema, { workspace: join(dir, 'new') }).workspace).toBe(
      join(dir, 'new'),
    );
    expect(parseArgs(RunsArgsSchema, { workspace: 'rel' }).workspace).toBe(resolve('rel'));
    expect(usageIssues(() => parseArgs(RunsArgsSchema, { workspace: file }))).toEqual([
      '--workspace: exists and is not a folder',
    ]);
    expect(usageIssues(() => parseArgs(RunsArgsSchema, { workspace: '  ' }))).toEqual([
      '--workspace: must not be empty',
    ]);
  });

  it('need an existing spec file and list every problem', () => {
    const dir = tempDir();
    const issues = usageIssues(() =>
      parseArgs(RunArgsSchema, { spec: join(dir, 'missing.json'), workspace: '' }),
    );
    expect(issues).toEqual([
      `<spec.json>: no such file: ${join(dir, 'missing.json')}`,
      '--workspace: must not be empty',
    ]);
    expect(usageIssues(() => parseArgs(RunArgsSchema, { spec: dir }))).toEqual([
      `<spec.json>: not a file: ${dir}`,
    ]);
  });

  it('parse an experiment id', () => {
    expect(parseArgs(RunsArgsSchema, { experiment: '12', json: true })).toMatchObject({
      experiment: 12,
      json: true,
    });
    expect(usageIssues(() => parseArgs(RunsArgsSchema, { experiment: '0' }))).toEqual([
      '--experiment: must be at least 1',
    ]);
    expect(usageIssues(() => parseArgs(RunsArgsSchema, { experiment: 'abc' }))).toEqual([
      '--experiment: must be a whole number',
    ]);
  });
});

describe('readSpecFile', () => {
  it('lists the zod issues of a bad spec with their paths', async () => {
    const file = join(tempDir(), 'spec.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: '',
        sources: [],
        targets: [{ name: 't' }],
        strategies: [{ id: 'magic' }],
      }),
    );
    const error = await readSpecFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const paths = (error as UsageError).issues.map((i) => i.path);
    expect(paths).toContain('name');
    expect(paths).toContain('sources');
    expect(paths).toContain('targets.0.dataset');
    expect(paths).toContain('strategies.0.id');
  });

  it('says when the file is not JSON', async () => {
    const file = join(tempDir(), 'spec.json');
    writeFileSync(file, '{ "name": ');
    await expect(readSpecFile(file)).rejects.toThrow(/is not valid JSON/);
  });

  it('returns the file content as written', async () => {
    const file = join(tempDir(), 'spec.json');
    const spec = {
      name: 'tiny',
      sources: [{ name: 's', dataset: { generator: 'linear-binary' } }],
      targets: [{ name: 't', dataset: { generator: 'linear-binary', angleDeg: 30 } }],
      strategies: [{ id: 'scratch' }],
    };
    writeFileSync(file, JSON.stringify(spec));
    expect(await readSpecFile(file)).toEqual(spec);
  });
});

describe('main', () => {
  it('exits 2 with the issues for bad arguments, before opening anything', async () => {
    const dir = tempDir();
    const io = capture();
    expect(
      await main(['node', 'transferlab', 'serve', '--port', '70000', '--workspace', dir], io),
    ).toBe(2);
    expect(io.errText.join('')).toContain('--port: must be at most 65535');
    expect(io.outText).toEqual([]);

    const missing = capture();
    expect(
      await main(['node', 'transferlab', 'run', join(dir, 'nope.json'), '--json'], missing),
    ).toBe(2);
    expect(missing.errText.join('')).toMatch(/<spec\.json>: no such file/);
    expect(missing.outText).toEqual([]);
  });

  it('exits 2 for a spec that does not parse, listing each issue on its own line', async () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'x', sources: [], targets: [], strategies: [] }));
    const io = capture();
    expect(await main(['node', 'transferlab', 'run', file, '--workspace', tempDir()], io)).toBe(2);
    const text = io.errText.join('');
    expect(text).toContain('is not a valid experiment spec:');
    expect(text).toMatch(/\n {2}- sources: /);
    expect(text).toMatch(/\n {2}- targets: /);
  });

  it('exits 2 for unknown commands, unknown options and missing arguments', async () => {
    for (const argv of [['bogus'], ['run'], ['runs', '--bogus'], ['serve', '--port'], []]) {
      const io = capture();
      expect(await main(['node', 'transferlab', ...argv], io), argv.join(' ')).toBe(2);
      expect(io.errText.join('').length).toBeGreaterThan(0);
    }
  });

  it('exits 0 for --help and --version', async () => {
    const help = capture();
    expect(await main(['node', 'transferlab', '--help'], help)).toBe(0);
    expect(help.outText.join('')).toMatch(/run \[options\] <spec\.json>/);
    const version = capture();
    expect(await main(['node', 'transferlab', '--version'], version)).toBe(0);
    expect(version.outText.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('transferlab strategies', () => {
  it('lists every strategy with its family and parameters, as a table or as JSON', async () => {
    const table = capture();
    expect(await main(['node', 'transferlab', 'strategies'], table)).toBe(0);
    const text = table.outText.join('');
    for (const s of STRATEGIES) {
      expect(text).toContain(s.id);
      expect(text).toContain(s.family);
      for (const p of s.params) expect(text).toContain(`${p.key}=${String(p.default)}`);
    }
    const json = capture();
    expect(await main(['node', 'transferlab', 'strategies', '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.outText.join('')) as { id: string; params: unknown[] }[];
    expect(parsed.map((s) => s.id)).toEqual(STRATEGIES.map((s) => s.id));
    expect(await main(['node', 'transferlab', 'strategies', '--bogus'], capture())).toBe(2);
  });
});

describe('transferlab report: model selection flags (issue 10)', () => {
  const base = { format: 'md', out: 'r.md' };

  it('parse --selection and --select-by into the comparison request', () => {
    const args = parseArgs(ReportArgsSchema, {
      ...base,
      selection: 'validation',
      selectBy: 'val_loss',
      baseline: 'fine-tune · l2sp λ=0.01',
    });
    expect(compareInputFrom([3], args)).toEqual({
      selection: { experimentIds: [3], runIds: [] },
      options: {
        baseline: 'fine-tune · l2sp λ=0.01',
        selection: 'validation',
        selectBy: 'val_loss',
      },
    });
    const oracle = parseArgs(ReportArgsSchema, { ...base, selection: 'oracle' });
    expect(compareInputFrom([3], oracle).options).toEqual({ selection: 'oracle' });
    // Without the flags the request leaves the selection to its default (none).
    expect(compareInputFrom([3], parseArgs(ReportArgsSchema, base)).options).toEqual({});
  });

  it('refuse a rule that does not exist and an empty metric, by the flag typed', () => {
    expect(usageIssues(() => parseArgs(ReportArgsSchema, { ...base, selection: 'best' }))).toEqual([
      '--selection: must be none, validation or oracle',
    ]);
    expect(usageIssues(() => parseArgs(ReportArgsSchema, { ...base, selectBy: '' }))).toEqual([
      '--select-by: Too small: expected string to have >=1 characters',
    ]);
  });

  it('refuse --select-by without --selection validation, before opening anything', async () => {
    for (const selection of [undefined, 'none', 'oracle']) {
      const args = parseArgs(ReportArgsSchema, { ...base, selection, selectBy: 'val_acc' });
      expect(() => compareInputFrom([1], args)).toThrow(/--select-by names the metric of/);
    }
    const dir = tempDir();
    const io = capture();
    const argv = ['node', 'transferlab', 'report', '1', '--format', 'md', '--out'];
    expect(
      await main([...argv, join(dir, 'r.md'), '--select-by', 'val_loss', '--workspace', dir], io),
    ).toBe(2);
    expect(io.errText.join('')).toContain('--select-by names the metric of --selection validation');
    const bad = capture();
    expect(
      await main([...argv, join(dir, 'r.md'), '--selection', 'test', '--workspace', dir], bad),
    ).toBe(2);
    expect(bad.errText.join('')).toContain('--selection: must be none, validation or oracle');
    expect(io.outText).toEqual([]);
  });

  it('are refused beside --request and --from, which say what to compare', () => {
    const file = join(tempDir(), 'request.json');
    writeFileSync(file, JSON.stringify({ selection: { experimentIds: [1] } }));
    const args = parseArgs(ReportArgsSchema, { ...base, request: file, selection: 'oracle' });
    expect(() => compareInputFrom([], args)).toThrow(/leave out --selection/);
  });

  it('are described in the help', async () => {
    const help = capture();
    expect(await main(['node', 'transferlab', 'report', '--help'], help)).toBe(0);
    const text = help.outText.join('');
    expect(text).toContain('--selection <rule>');
    expect(text).toContain('none | validation | oracle');
    expect(text).toContain('--select-by <metric>');
    expect(text).toMatch(/--baseline <variant>\s+the variant the others are measured against/);
  });
});
