import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src-main/core/paths';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { writeImageFolder } from '../../helpers/datasetFiles';
import { useTempDirs } from '../../helpers/tempDir';
import { tinySpec as makeTinySpec } from '../../helpers/tinySpec';
import { BIN, hasScript, shellQuote, transferlabPiped, transferlabProcess } from './cliProcess';

/**
 * Issue 12, point 11: the CLI as Unix users expect it. `-` is stdin for a spec, colour follows
 * NO_COLOR and FORCE_COLOR, every command that prints results has --json, and the image
 * import's channels are --channels (--color means terminal colour). `report --out -` and
 * `report --json` are tested with the other report commands (test/integration/reports).
 */
const tempDir = useTempDirs();

const tinySpec = makeTinySpec('spec on stdin');

const ESC = '\u001b[';

/** `script` (util-linux) gives a command a terminal for its stdout. */
const scriptAvailable = await hasScript();

/** Colour is this test's to set: none inherited from the shell or the test runner. */
const NO_COLOR_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined };

describe('`-` reads the spec from stdin', () => {
  it('plan - and run - through bin/transferlab.js', async () => {
    const workspace = tempDir();
    const spec = JSON.stringify(tinySpec);

    const plan = await transferlabProcess(
      ['plan', '-', '--no-calibrate', '--json', '--workspace', workspace],
      { stdin: spec },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout.toString('utf8'))).toMatchObject({
      sourceRuns: 1,
      transferRuns: 2,
      queuedRuns: 3,
    });

    const run = await transferlabProcess(['run', '-', '--json', '--workspace', workspace], {
      stdin: spec,
    });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout.toString('utf8')) as { runs: { status: string }[] };
    expect(doc.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('names <stdin> in what it refuses, and still reads a file named "-" given as a path', async () => {
    const workspace = tempDir();
    const notJson = await transferlabPiped(['plan', '-', '--workspace', workspace], {
      stdin: '{"name": ',
    });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^transferlab: <stdin> is not valid JSON: /);

    const empty = await transferlabPiped(['run', '-', '--workspace', workspace]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^transferlab: <stdin> is not valid JSON: /);

    const notSpec = await transferlabPiped(['run', '-', '--workspace', workspace], {
      stdin: JSON.stringify({ name: 'x' }),
    });
    expect(notSpec.code).toBe(2);
    expect(notSpec.stderr).toMatch(/^transferlab: <stdin> is not a valid experiment spec:\n {2}- /);

    // The core's own refusal names it too.
    const unknown = await transferlabPiped(
      ['plan', '-', '--no-calibrate', '--workspace', workspace],
      {
        stdin: JSON.stringify({
          ...tinySpec,
          targets: [{ name: 'B', dataset: 'no-such-dataset' }],
        }),
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^transferlab: <stdin>: /);

    // Only `-` itself is stdin: a path to a file named "-" is that file.
    const dashFile = join(tempDir(), '-');
    writeFileSync(dashFile, JSON.stringify(tinySpec));
    const plan = await transferlabPiped(
      ['plan', dashFile, '--no-calibrate', '--workspace', workspace],
      {
        stdin: 'not read',
      },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.toString('utf8')).toMatch(/^Plan for "spec on stdin"/);
  });
});

describe('colour', () => {
  it('FORCE_COLOR colours a table in a pipe; FORCE_COLOR=0 and NO_COLOR do not', async () => {
    const forced = await transferlabProcess(['strategies'], {
      env: { ...NO_COLOR_ENV, FORCE_COLOR: '1' },
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout.toString('utf8')).toContain(ESC);

    for (const env of [{ FORCE_COLOR: '0' }, { NO_COLOR: '1' }, {}]) {
      const plain = await transferlabProcess(['strategies'], { env: { ...NO_COLOR_ENV, ...env } });
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout.toString('utf8'), JSON.stringify(env)).not.toContain(ESC);
      expect(plain.stdout.toString('utf8')).toContain('fine-tune');
    }
  });

  it.runIf(scriptAvailable)('NO_COLOR leaves a table on a terminal uncoloured', async () => {
    // `script` gives the command a pseudo-terminal for its stdout, as a user's shell would.
    const onTerminal = (env: Record<string, string | undefined>) =>
      new Promise<string>((resolve, reject) => {
        const command = [process.execPath, BIN, 'strategies'].map(shellQuote).join(' ');
        const environment: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...env };
        for (const [key, value] of Object.entries(env))
          if (value === undefined) Reflect.deleteProperty(environment, key);
        const child = spawn('script', ['-qec', command, '/dev/null'], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: environment,
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => {
          if (code === 0) resolve(out);
          else reject(new Error(`script exited ${code}: ${out}`));
        });
      });
    expect(await onTerminal(NO_COLOR_ENV)).toContain(ESC);
    const plain = await onTerminal({ ...NO_COLOR_ENV, NO_COLOR: '1' });
    expect(plain).toContain('fine-tune');
    expect(plain).not.toContain(ESC);
  });
});

describe('--json', () => {
  it('serve --json prints one JSON line with the URL, port and workspace', async () => {
    const workspace = tempDir();
    const checks: { line: string | null } = { line: null };
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'serve', '--json', '--workspace', workspace], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (checks.line === null && stdout.includes('\n')) {
          checks.line = stdout;
          child.kill('SIGINT');
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        resolve({ code, stderr });
      });
    });
    expect(result.code, `${checks.line ?? ''} ${result.stderr}`).toBe(0);
    const doc = JSON.parse(checks.line ?? '') as { url: string; port: number; workspace: string };
    expect(Object.keys(doc).sort()).toEqual(['port', 'url', 'workspace']);
    const url = new URL(doc.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(doc.port);
    expect(url.searchParams.get('token')).toBeTruthy();
    expect(doc.workspace).toBe(workspace);
  });

  it('is offered by every command that prints results', async () => {
    const help = await transferlabInProcess('--help');
    const listed = help.stdout.slice(help.stdout.indexOf('Commands:'));
    const commands = [...listed.matchAll(/^ {2}([a-z-]+)/gm)]
      .map((m) => m[1])
      .filter((c): c is string => c !== undefined && c !== 'help');
    expect(commands.length).toBeGreaterThan(8);
    // `worker` prints no results: it writes its events to the job's event file and leaves stdout
    // empty (test/integration/cluster/worker.test.ts checks that), so it has nothing to format.
    expect(commands).toContain('worker');
    for (const command of commands.filter((c) => c !== 'worker')) {
      const text = (await transferlabInProcess(command, '--help')).stdout;
      expect(text, command).toMatch(/^ {2}--json /m);
    }
    const sub = ['import', 'delete'];
    for (const command of sub) {
      const text = (await transferlabInProcess('datasets', command, '--help')).stdout;
      expect(text, command).toMatch(/^ {2}--json /m);
    }
  });
});

describe('datasets import --channels', () => {
  it('takes --channels, and --color as a deprecated alias that says so on stderr', async () => {
    const root = join(tempDir(), 'images');
    mkdirSync(root);
    writeImageFolder(root, { red: [255, 0, 0], blue: [0, 0, 255] }, 2);
    const importAs = (...flags: string[]) =>
      transferlabInProcess(
        'datasets',
        'import',
        root,
        '--width',
        '4',
        '--height',
        '4',
        ...flags,
        '--json',
        '--workspace',
        tempDir(),
      );
    const shape = (stdout: string): number[] =>
      (JSON.parse(stdout) as { dataset: { featureShape: number[] } }).dataset.featureShape;

    // Height, width, and a channel axis for RGB only.
    const rgb = await importAs('--channels', 'rgb');
    expect(rgb.code, rgb.stderr).toBe(0);
    expect(shape(rgb.stdout)).toEqual([4, 4, 3]);
    expect(rgb.stderr).not.toContain('deprecated');

    const gray = await importAs();
    expect(gray.code, gray.stderr).toBe(0);
    expect(shape(gray.stdout)).toEqual([4, 4]);

    const old = await importAs('--color', 'rgb');
    expect(old.code, old.stderr).toBe(0);
    expect(shape(old.stdout)).toEqual([4, 4, 3]);
    expect(old.stderr).toBe(
      'transferlab: warning: --color is deprecated; use --channels (same values)\n',
    );

    const both = await importAs('--channels', 'rgb', '--color', 'rgb');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--color is the old name of --channels: give --channels only');

    const bad = await importAs('--channels', 'cmyk');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--channels: must be gray or rgb');

    const help = await transferlabInProcess('datasets', 'import', '--help');
    expect(help.stdout).toContain('--channels <c>');
    expect(help.stdout).not.toContain('--color');
  });

  it('refuses --channels for a format without images', async () => {
    const csv = join(tempDir(), 'data.csv');
    writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n');
    const refused = await transferlabInProcess(
      'datasets',
      'import',
      csv,
      '--channels',
      'rgb',
      '--workspace',
      tempDir(),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Options that do not apply to the csv format');
    expect(refused.stderr).toContain('--channels');
  });
});

describe('writing to a pipe', () => {
  it('writes every byte to a slow reader of a non-blocking pipe', async () => {
    // The CLI's stdout pipe is non-blocking once Node has set it up: a reader that falls
    // behind makes writes answer EAGAIN, which writeAllToFd waits out.
    const script = join(tempDir(), 'write.mts');
    writeFileSync(
      script,
      [
        `import { writeAllToFd } from ${JSON.stringify(join(projectRoot(), 'src-main', 'cli', 'io.ts'))};`,
        "process.stdout.write('');",
        "await writeAllToFd(1, Buffer.alloc(1024 * 1024, 'x'));",
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let size = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read nothing for a while, then everything.
    setTimeout(() => {
      child.stdout.on('data', (chunk: Buffer) => (size += chunk.byteLength));
      child.stdout.resume();
    }, 1500);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(size).toBe(1024 * 1024);
  });
});
