/**
 * `npx tsx bench/startup.ts`: how long the command takes to start (issue 12), and how big the
 * built Electron bundles are.
 *
 * Each command is started as a fresh process, round after round (the commands alternate, so a
 * busy moment on a shared machine hits them all alike); the figure is the median wall-clock time
 * over the rounds, and its ratio to `node -e 0` (what any Node command costs at least), taken
 * round by round: the median of the rounds' ratios with their range. Each transferlab command is
 * judged against issue 12's goal, within 4× of `node -e 0`, only when every round agrees
 * (ratios.ts).
 * `runs --json` gets a new, empty workspace folder every time, so it opens (and creates) the
 * database as a first start does.
 *
 * `--baseline DIR` measures another checkout of the project too, in the same rounds, and prints
 * it beside this one: e.g. the commit before a change, `git worktree add /tmp/before HEAD` with
 * `ln -s "$PWD/node_modules" /tmp/before/` (and `npx electron-vite build` there for its sizes).
 *
 * The sizes are those of each checkout's last `npx electron-vite build` in out/ (nothing is built).
 *
 * Options: --rounds 9  --baseline DIR  --json results.json
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatGoal,
  formatSpread,
  formatVerdict,
  median,
  perRoundRatios,
  spreadOf,
  verdictOf,
  type Goal,
} from './ratios';

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    baseline: { type: 'string' },
    json: { type: 'string' },
  },
});
const rounds = Number(options.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

interface Checkout {
  label: string;
  root: string;
}
const checkouts: Checkout[] = [{ label: 'this checkout', root: join(import.meta.dirname, '..') }];
if (options.baseline !== undefined) {
  const root = resolve(options.baseline);
  if (!existsSync(join(root, 'bin', 'transferlab.js')))
    throw new Error(`--baseline: no bin/transferlab.js in ${root}`);
  checkouts.unshift({ label: 'baseline', root });
}

interface Command {
  name: string;
  /** Arguments to `node` for a checkout; `workspace` is a new empty folder for this start. */
  args: (root: string, workspace: string) => string[];
  /** Run once whatever the checkouts (it does not depend on the project). */
  shared?: boolean;
}

const COMMANDS: Command[] = [
  { name: 'node -e 0', args: () => ['-e', '0'], shared: true },
  { name: 'transferlab --version', args: (root) => [cli(root), '--version'] },
  {
    name: 'transferlab runs --json',
    args: (root, ws) => [cli(root), 'runs', '--json', '--workspace', ws],
  },
];

function cli(root: string): string {
  return join(root, 'bin', 'transferlab.js');
}

/** Every (command, checkout) pair measured, in the order of a round. */
const cells = COMMANDS.flatMap((command) =>
  (command.shared ? checkouts.slice(0, 1) : checkouts).map((checkout) => ({
    command,
    checkout,
    key: `${command.name}\u0000${command.shared ? '' : checkout.label}`,
  })),
);

function timeOnce(command: Command, root: string): number {
  const workspace = mkdtempSync(join(tmpdir(), 'transferlab-startup-'));
  try {
    const args = command.args(root, workspace);
    const started = performance.now();
    const ended = spawnSync(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ms = performance.now() - started;
    // A command that fails measures nothing: say why rather than print its time.
    if (ended.status !== 0)
      throw new Error(
        `node ${args.join(' ')} failed (${String(ended.status)}): ${String(ended.stderr)}`,
      );
    return ms;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

// One start of each first, unmeasured: the file system cache, not the code, would lead the first.
for (const cell of cells) timeOnce(cell.command, cell.checkout.root);
const samples = new Map<string, number[]>(cells.map((c) => [c.key, []]));
for (let round = 0; round < rounds; round++) {
  for (const cell of cells) samples.get(cell.key)?.push(timeOnce(cell.command, cell.checkout.root));
}

/** Issue 12: a command starts within 4× of `node -e 0`. */
const GOAL: Goal = { target: 4, direction: 'at most' };

// Round i of every command against round i of `node -e 0`, the first cell.
const nodeMs = samples.get(cells[0]?.key ?? '') ?? [];
const startup = cells.map((c) => {
  const ms = samples.get(c.key) ?? [];
  const ratios = perRoundRatios(ms, nodeMs);
  return {
    command: c.command.name,
    checkout: c.command.shared ? null : c.checkout.label,
    medianMs: Math.round(median(ms)),
    ratios,
    spread: spreadOf(ratios),
    verdict: c.command.shared ? null : verdictOf(ratios, GOAL),
  };
});

/** Size in bytes of a file, or of every file with `ext` in a folder; null when not built. */
function size(path: string, ext?: string): number | null {
  if (!existsSync(path)) return null;
  if (ext === undefined) return statSync(path).size;
  const files = readdirSync(path).filter((f) => f.endsWith(ext));
  return files.length === 0
    ? null
    : files.reduce((sum, f) => sum + statSync(join(path, f)).size, 0);
}
const sizes = checkouts.flatMap((checkout) => [
  {
    checkout: checkout.label,
    file: 'out/main/index.js',
    bytes: size(join(checkout.root, 'out/main/index.js')),
  },
  {
    checkout: checkout.label,
    file: 'out/renderer/assets/*.js',
    bytes: size(join(checkout.root, 'out/renderer/assets'), '.js'),
  },
]);

const label = (checkout: string | null): string => (checkout === null ? '' : ` (${checkout})`);
console.log(
  `Start-up, median of ${rounds} runs each (node ${process.version}); × node -e 0, median of ` +
    `the rounds' ratios (their range):`,
);
for (const s of startup) {
  const name = `${s.command}${label(s.checkout)}`.padEnd(42);
  console.log(`  ${name} ${String(s.medianMs).padStart(6)} ms   ${formatSpread(s.spread)}`);
}
for (const s of startup) {
  if (s.verdict === null) continue;
  console.log(
    `Goal ${formatGoal(GOAL)} node -e 0, ${s.command}${label(s.checkout)}: ` +
      formatVerdict(s.verdict),
  );
}
console.log('Bundle sizes (out/, from the last `npx electron-vite build`):');
for (const s of sizes) {
  const shown = s.bytes === null ? 'not built' : `${(s.bytes / 1000).toFixed(1)} kB`;
  console.log(`  ${`${s.file}${label(s.checkout)}`.padEnd(42)} ${shown.padStart(12)}`);
}
if (options.json !== undefined) {
  const rows = startup.map(({ verdict, ...row }) => ({ ...row, verdict: verdict?.kind ?? null }));
  writeFileSync(
    options.json,
    JSON.stringify({ rounds, goal: GOAL, startup: rows, sizes }, null, 2),
  );
}
