import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FileOrStdinSchema,
  parseArgs,
  RunArgsSchema,
  UsageError,
} from '../../../src-main/cli/args';
import { tableHead } from '../../../src-main/cli/format';
import { colorWanted, readStdinText, useColor, type CliIo } from '../../../src-main/cli/io';
import { main } from '../../../src-main/cli/main';
import { readSpec } from '../../../src-main/cli/run';
import { useTempDirs } from '../../helpers/tempDir';

/** Issue 12: `-` for stdin, NO_COLOR and FORCE_COLOR, help that says so. */
const tempDir = useTempDirs();

function io(options: { stdin?: string; stdoutIsTTY?: boolean } = {}): CliIo & {
  stdout: () => string;
  errors: () => string;
} {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    stderrIsTTY: false,
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderr: new PassThrough(),
    stdout: () => out,
    errors: () => err,
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('colour', () => {
  it('follows FORCE_COLOR (as Node reads it), then NO_COLOR, then the terminal', () => {
    const cases: [NodeJS.ProcessEnv, boolean, boolean][] = [
      [{}, true, true],
      [{}, false, false],
      [{ NO_COLOR: '1' }, true, false],
      [{ NO_COLOR: 'false' }, true, false],
      // no-color.org: an empty NO_COLOR is as if unset.
      [{ NO_COLOR: '' }, true, true],
      [{ FORCE_COLOR: '1' }, false, true],
      [{ FORCE_COLOR: '' }, false, true],
      [{ FORCE_COLOR: 'true' }, false, true],
      [{ FORCE_COLOR: '3' }, false, true],
      [{ FORCE_COLOR: '0' }, true, false],
      [{ FORCE_COLOR: 'false' }, true, false],
      // Node: a supported FORCE_COLOR overrides NO_COLOR.
      [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    ];
    for (const [env, tty, expected] of cases) {
      expect(colorWanted(tty, env), `${JSON.stringify(env)} tty=${tty}`).toBe(expected);
    }
    // Our escape codes, not the library's: its own switch says no whenever CI is set.
    const plainStyle = { head: [], border: [] };
    expect(tableHead(['id'], false)).toEqual({ head: ['id'], style: plainStyle });
    expect(tableHead(['id'], true)).toEqual({
      head: ['\u001b[31mid\u001b[39m'],
      style: plainStyle,
    });
  });

  it('NO_COLOR turns colour off for a command whose stdout is a terminal', async () => {
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('NO_COLOR', '1');
    const terminal = io({ stdoutIsTTY: true });
    expect(useColor(terminal)).toBe(false);
    expect(await main(['node', 'transferlab', 'strategies'], terminal)).toBe(0);
    expect(terminal.stdout()).toContain('fine-tune');
    expect(terminal.stdout()).not.toContain('\u001b[');
    vi.stubEnv('NO_COLOR', '');
    expect(useColor(terminal)).toBe(true);
  });
});

describe('`-` for stdin', () => {
  it('is accepted where a spec file is, and nothing else changes for files', () => {
    const dir = tempDir();
    expect(parseArgs(RunArgsSchema, { spec: '-' })).toEqual({
      spec: '-',
      json: false,
      executor: 'local',
      detach: false,
    });
    expect(FileOrStdinSchema.parse(' - ')).toBe('-');
    const file = join(dir, '-');
    writeFileSync(file, '{}');
    expect(FileOrStdinSchema.parse(file)).toBe(file);
    expect(() => parseArgs(RunArgsSchema, { spec: join(dir, 'missing.json') })).toThrow(UsageError);
    const refused = ((): unknown => {
      try {
        return parseArgs(RunArgsSchema, { spec: dir });
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).issues).toEqual([
      { path: '<spec.json>', message: `not a file: ${dir}` },
    ]);
  });

  it('reads a spec from stdin, and refuses more than it would ever need', async () => {
    const spec = {
      name: 'piped',
      sources: [{ name: 'A', dataset: 'digits' }],
      targets: [{ name: 'B', dataset: 'digits' }],
      strategies: [{ id: 'scratch' }],
      budgets: [10],
      seeds: [0],
    };
    const piped = io({ stdin: JSON.stringify(spec) });
    expect(await readSpec('-', piped)).toEqual(spec);
    expect(piped.errors()).toBe('');

    await expect(readSpec('-', io({ stdin: '[' }))).rejects.toThrow(/^<stdin> is not valid JSON: /);
    await expect(readStdinText(io({ stdin: 'x'.repeat(100) }), 'a spec', 64)).rejects.toThrow(
      '<stdin>: more than',
    );
  });

  it('says it waits when stdin is a terminal', async () => {
    const terminal = io({ stdin: '{}' });
    Object.assign(terminal.stdin ?? {}, { isTTY: true });
    expect(await readStdinText(terminal, 'an experiment spec')).toBe('{}');
    expect(terminal.errors()).toBe(
      'Reading an experiment spec from stdin (end it with Ctrl+D)...\n',
    );
  });
});

describe('help', () => {
  const help = async (...args: string[]): Promise<string> => {
    const out = io();
    expect(await main(['node', 'transferlab', ...args, '--help'], out)).toBe(0);
    return out.stdout().replace(/\s+/g, ' ');
  };

  it('says what - means, and which variables colour', async () => {
    for (const command of ['run', 'plan']) {
      expect(await help(command)).toContain('or - to read it from stdin');
    }
    const report = await help('report');
    expect(report).toContain('or - for stdout');
    expect(report).toContain('--request <file> a comparison request JSON');
    expect(report).toContain('or - for stdin');
    expect(report).toContain('--json print what was written');
    expect(await help('serve')).toContain('--json');
    const top = await help();
    expect(top).toContain('unless NO_COLOR is set');
    expect(top).toContain('FORCE_COLOR=1');
  });
});
