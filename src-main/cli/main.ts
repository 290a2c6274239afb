import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../../src-shared/version';
import { AppFailure, formatIssue } from '../../src-shared/result';
import { UsageError } from './args';
import { processIo, type CliIo } from './io';
import {
  modelsDeleteCommand,
  modelsExportCommand,
  modelsImportCommand,
  modelsKeepCommand,
  modelsListCommand,
  modelsSetCommand,
  modelsShowCommand,
} from './models';
import { backendsCommand } from './backends';
import { datasetsCommand, datasetsDeleteCommand, datasetsImportCommand } from './datasets';
import { importBundleCommand } from './importBundle';
import { planCommand } from './plan';
import { reportCommand } from './report';
import { rerunCommand } from './rerun';
import { embeddingCommand } from './embedding';
import { reportsCommand } from './reports';
import { EXIT, isUsageFailure, runCommand } from './run';
import { runsCommand } from './runs';
import { serveCommand } from './serve';
import { strategiesCommand } from './strategies';
import { syncCommand } from './sync';
import { workerCommand } from './worker';
import {
  experimentsArchiveCommand,
  experimentsDeleteCommand,
  experimentsListCommand,
} from './experiments';

const SPEC_HELP = 'experiment spec file (see resources/examples), or - to read it from stdin';

/** Said under `transferlab --help`: what holds for every command. */
const HELP_FOOTER = `
stdout carries results only (a table, one JSON document with --json, a report with --out -);
progress, messages and errors go to stderr. Tables are coloured on a terminal unless NO_COLOR
is set (https://no-color.org); FORCE_COLOR=1 colours them anywhere.
Exit codes: 0 success, 1 a run did not complete or something failed, 2 bad input,
130 interrupted.`;

const CONCURRENCY_HELP =
  'set the workspace’s trainer limit: trainers that may run at once across every process on ' +
  'the workspace (the app, servers, other runs); kept for later runs (default: one per core)';

/**
 * `transferlab`: the command-line front door. Commander splits the line and writes the help;
 * each command parses its arguments with zod (args.ts) and talks to the core in-process.
 * Exit codes: 0 success, 1 a run did not complete or something failed, 2 bad input,
 * 130 interrupted.
 */

function describeError(e: unknown): string {
  if (e instanceof UsageError || e instanceof AppFailure) {
    const lines = (e.issues ?? []).map((issue) => `  - ${formatIssue(issue)}`);
    return lines.length > 0 ? `${e.message.replace(/[.:]$/, '')}:\n${lines.join('\n')}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command()
    .name('transferlab')
    .description('Transfer-learning experiments from the command line.')
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => {
        io.out(text);
      },
      writeErr: (text) => {
        io.err(text);
      },
    })
    .exitOverride()
    // `datasets --workspace` and `datasets import --workspace` are different options: a flag
    // belongs to the command it follows.
    .enablePositionalOptions()
    .addHelpText('after', HELP_FOOTER);

  program
    .command('run')
    .description('Run an experiment spec to completion and print a summary.')
    .argument('<spec.json>', SPEC_HELP)
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print one JSON document on stdout instead of a table')
    .option('--concurrency <n>', CONCURRENCY_HELP)
    .option(
      '--executor <where>',
      'local (this machine, the default) or slurm (array jobs on the cluster this machine submits to)',
    )
    .option(
      '--partition <name>',
      'Slurm: the partition (default: the saved profile’s, else Slurm’s)',
    )
    .option('--time <limit>', 'Slurm: time limit per run, e.g. 02:00:00')
    .option('--cpus-per-task <n>', 'Slurm: CPUs per run')
    .option('--gpus-per-task <n>', 'Slurm: GPUs per run')
    .option('--mem <size>', 'Slurm: memory per run, e.g. 4G')
    .option('--array-parallelism <n>', 'Slurm: at most n runs of one array at once')
    .option('--account <name>', 'Slurm: the account to charge')
    .option(
      '--sbatch-arg <option>',
      'Slurm: another sbatch option, as --sbatch-arg=--qos=high (repeatable)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--detach', 'Slurm: submit and return; `transferlab sync` brings the results in')
    .action(async (spec: string, options: Record<string, unknown>) => {
      setExitCode(await runCommand(spec, options, io));
    });

  program
    .command('plan')
    .description(
      'Show what `run` would queue for a spec and how long it would take, before anything is queued.',
    )
    .argument('<spec.json>', SPEC_HELP)
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the plan as one JSON document on stdout')
    .option(
      '--no-calibrate',
      'estimate from completed runs only, without timing a short run of each kind not measured yet',
    )
    .action(async (spec: string, options: Record<string, unknown>) => {
      setExitCode(await planCommand(spec, options, io));
    });

  program
    .command('rerun')
    .description(
      'Re-run runs with their identical resolved configs and say whether each reproduced.',
    )
    .argument('<run-id...>', 'runs to re-run (see `transferlab runs`)')
    .option('--check', 'exit 1 unless every re-run reproduced (exactly or within tolerance)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the outcomes as one JSON document on stdout')
    .action(async (ids: string[], options: Record<string, unknown>) => {
      setExitCode(await rerunCommand(ids, options, io));
    });

  program
    .command('embedding')
    .description(
      'A transfer run’s domain discrepancy before and after adaptation (MMD², proxy A-distance).',
    )
    .argument('<run-id>', 'a completed transfer run whose model was kept (see `transferlab runs`)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the embedding (numbers and 2-D points) as one JSON document')
    .action(async (id: string, options: Record<string, unknown>) => {
      setExitCode(await embeddingCommand(id, options, io));
    });

  program
    .command('serve')
    .description('Serve the workbench to a browser on 127.0.0.1 (prints its URL with a token).')
    .option('--port <n>', 'port to listen on, 0 for any free port', '0')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--concurrency <n>', CONCURRENCY_HELP)
    .option(
      '--json',
      'print {"url", "port", "workspace"} as one JSON line on stdout instead of the URL',
    )
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await serveCommand(options, io));
    });

  program
    .command('runs')
    .description('List the runs of a workspace.')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print a JSON array on stdout instead of a table')
    .option('--experiment <id>', 'only the runs of this experiment')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await runsCommand(options, io));
    });

  const experiments = program
    .command('experiments')
    .description('List experiments; archive, unarchive or delete one.')
    .enablePositionalOptions()
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print a JSON array on stdout instead of a table')
    .option('--archived', 'list archived experiments too')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await experimentsListCommand(options, io));
    });

  for (const [name, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    experiments
      .command(name)
      .description(
        archived
          ? 'Hide an experiment from the lists; its runs and results stay.'
          : 'Show an archived experiment in the lists again.',
      )
      .argument('<id>', 'the experiment’s id (see `transferlab experiments`)')
      .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
      .option('--json', 'print the experiment as one JSON document on stdout')
      .action(async (id: string, options: Record<string, unknown>) => {
        setExitCode(await experimentsArchiveCommand(id, archived, options, io));
      });
  }

  experiments
    .command('delete')
    .description(
      'Say what deleting an experiment would remove; with --yes, delete it and all its runs.',
    )
    .argument('<id>', 'the experiment’s id (see `transferlab experiments`)')
    .option('--yes', 'delete for good (refused while a run is queued or running)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print {"deleted", ...} as one JSON document on stdout')
    .action(async (id: string, options: Record<string, unknown>) => {
      setExitCode(await experimentsDeleteCommand(id, options, io));
    });

  program
    .command('strategies')
    .description('List every transfer strategy with its family and parameters.')
    .option('--json', 'print a JSON array on stdout instead of a table')
    .action((options: Record<string, unknown>) => {
      setExitCode(strategiesCommand(options, io));
    });

  program
    .command('backends')
    .description(
      'List the training backends this machine has, the one `auto` picks, and the GPU adapter.',
    )
    .option('--json', 'print what was found as one JSON document on stdout')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await backendsCommand(options, io));
    });

  program
    .command('worker')
    .description(
      'Train one run attempt from a job file and append its events to the job’s event file (what a Slurm task runs; never opens the database).',
    )
    .argument('<job-file>', 'the job file the submitting process wrote (docs/scale-out.md)')
    .action(async (jobFile: string) => {
      setExitCode(await workerCommand(jobFile, io));
    });

  program
    .command('sync')
    .description(
      'Ingest what is new in the event files of running runs trained by workers (a cluster) into the workspace, once.',
    )
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print what was added as one JSON document on stdout')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await syncCommand(options, io));
    });

  const datasets = program
    .command('datasets')
    .description('List the datasets of a workspace; import or delete one.')
    .enablePositionalOptions()
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print a JSON array on stdout instead of a table')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await datasetsCommand(options, io));
    });

  datasets
    .command('import')
    .description('Import a CSV/TSV, IDX, JSON, NPY file or an image folder into the workspace.')
    .argument('<file-or-folder>', 'the data file, or a folder with one subfolder per class')
    .option('--format <format>', 'csv | idx | json | npy | image-folder (default: guessed)')
    .option('--labels <file>', 'IDX/NPY: the labels file')
    .option('--test-images <file>', 'IDX: the dataset’s own test images')
    .option('--test-labels <file>', 'IDX: the dataset’s own test labels')
    .option('--label-column <column>', 'CSV: label column, by name or 0-based index')
    .option('--features <columns>', 'CSV: feature columns, comma-separated (default: all others)')
    .option('--missing <policy>', 'CSV: refuse | drop-rows | mean | zero (default: refuse)')
    .option('--delimiter <d>', "CSV: auto | , | ; | tab | '|' (default: auto)")
    .option('--header <h>', 'CSV: auto | yes | no (default: auto)')
    .option('--label-key <key>', 'JSON records: the label’s key (default: label)')
    .option('--width <n>', 'image folder: width to resize to')
    .option('--height <n>', 'image folder: height to resize to')
    .option('--channels <c>', 'image folder: gray | rgb (default: gray)')
    // The old name of --channels (issue 12): still accepted, with a warning, but not shown.
    .addOption(new Option('--color <c>', 'deprecated: use --channels').hideHelp())
    .option('--name <name>', 'the dataset’s name (default: the file’s name)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the import result as one JSON document on stdout')
    .action(async (path: string, options: Record<string, unknown>) => {
      setExitCode(await datasetsImportCommand(path, options, io));
    });

  datasets
    .command('delete')
    .description('Delete an imported dataset (refused while an experiment uses it).')
    .argument('<id>', 'the dataset’s id (see `transferlab datasets`)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print {"deleted": true} on stdout')
    .action(async (id: string, options: Record<string, unknown>) => {
      setExitCode(await datasetsDeleteCommand(id, options, io));
    });

  const models = program
    .command('models')
    .description('List imported models; import, show, change, export or delete one.')
    .enablePositionalOptions()
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print a JSON array on stdout instead of a table')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await modelsListCommand(options, io));
    });

  const scalingOptions = (command: Command): Command =>
    command
      .option('--scaling <s>', 'unit ([0, 1], default) | byte (0..255) | standardise')
      .option('--mean <m>', 'standardise: mean, one value or one per channel, comma-separated')
      .option('--std <s>', 'standardise: std, as many values as --mean');

  scalingOptions(
    models
      .command('import')
      .description('Import a pretrained model: an ONNX file, or a TensorFlow.js layers folder.')
      .argument('<path>', 'model.onnx, a folder with model.json and its shards, or model.json')
      .option('--name <name>', 'the model’s name (default: the file’s name)')
      .option(
        '--feature-layer <layer>',
        'where the head is cut (default: the layer the last Dense reads)',
      ),
  )
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the import result as one JSON document on stdout')
    .action(async (path: string, options: Record<string, unknown>) => {
      setExitCode(await modelsImportCommand(path, options, io));
    });

  models
    .command('show')
    .description('Show a model: provenance, input contract, layers and feature layer.')
    .argument('<model>', 'm<id>, its name, or the start of its file hash')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the model as one JSON document on stdout')
    .action(async (ref: string, options: Record<string, unknown>) => {
      setExitCode(await modelsShowCommand(ref, options, io));
    });

  scalingOptions(
    models
      .command('set')
      .description('Rename a model, or change its input scaling or feature layer.')
      .argument('<model>', 'm<id>, its name, or the start of its file hash')
      .option('--name <name>', 'a new name')
      .option('--feature-layer <layer>', 'a new feature layer (see `models show`)'),
  )
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the model as one JSON document on stdout')
    .action(async (ref: string, options: Record<string, unknown>) => {
      setExitCode(await modelsSetCommand(ref, options, io));
    });

  models
    .command('export')
    .description('Write a model (imported, or trained by a run) as TensorFlow.js or ONNX.')
    .argument('<run-or-model>', 'a run id (12 or #12), or a model (m<id>, name, hash prefix)')
    .requiredOption('--format <format>', 'tfjs | onnx')
    .requiredOption('--out <dir>', 'the folder to write into (created if missing)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the written files as one JSON document on stdout')
    .action(async (ref: string, options: Record<string, unknown>) => {
      setExitCode(await modelsExportCommand(ref, options, io));
    });

  models
    .command('keep')
    .description(
      'Show or set which trained models transfer runs keep, and the disk models use (source runs always keep theirs).',
    )
    .argument('[setting]', 'all | best-per-cell | none')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the setting and disk use as one JSON document on stdout')
    .action(async (setting: string | undefined, options: Record<string, unknown>) => {
      setExitCode(await modelsKeepCommand(setting, options, io));
    });

  models
    .command('delete')
    .description('Delete an imported model (refused while a run records it as its source).')
    .argument('<id>', 'the model’s id (m3 or 3)')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print {"deleted": true} on stdout')
    .action(async (id: string, options: Record<string, unknown>) => {
      setExitCode(await modelsDeleteCommand(id, options, io));
    });

  program
    .command('report')
    .description('Export a comparison of experiments (and/or runs) as a report file.')
    .argument('[experiment-id...]', 'experiments to compare (see `transferlab runs`)')
    .requiredOption('--format <format>', 'html | md | csv | tex | json | pdf')
    .requiredOption(
      '--out <file>',
      'the file to write, a folder (existing, or ending in /), or - for stdout',
    )
    .option('--runs <ids>', 'runs to compare too, comma-separated')
    .option('--metric <name>', 'final metric compared (default: test_acc)')
    .option(
      '--baseline <variant>',
      'the variant the others are measured against, or a strategy with one variant (default: scratch)',
    )
    .option('--test <test>', 't | wilcoxon: the test behind verdicts (default: t)')
    .option(
      '--selection <rule>',
      'none | validation | oracle: keep every variant, or one row per strategy chosen per seed on validation (or, as an upper bound, on test) (default: none)',
    )
    .option(
      '--select-by <metric>',
      'with --selection validation: the validation metric to choose on (default: val_acc)',
    )
    .option('--title <title>', 'the report’s heading (default: the experiments’ names)')
    .option(
      '--request <file>',
      'a comparison request JSON (as a report’s Regenerate section shows), or - for stdin',
    )
    .option('--from <report-id>', 'regenerate a recorded report (see `transferlab reports`)')
    .option('--force', 'replace --out if it exists')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option(
      '--json',
      'print what was written as one JSON document on stdout: {reportId, format, path, bytes, sha256}',
    )
    .action(async (ids: string[], options: Record<string, unknown>) => {
      setExitCode(await reportCommand(ids, options, io));
    });

  program
    .command('reports')
    .description('List the reports exported from this workspace, with what each compared.')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the list as one JSON document on stdout')
    .action(async (options: Record<string, unknown>) => {
      setExitCode(await reportsCommand(options, io));
    });

  program
    .command('import-bundle')
    .description('Import a JSON bundle (a report of format json) from another workspace.')
    .argument('<file>', 'the bundle')
    .option('--workspace <dir>', 'workspace folder (default: the app’s workspace)')
    .option('--json', 'print the import result as one JSON document on stdout')
    .action(async (file: string, options: Record<string, unknown>) => {
      setExitCode(await importBundleCommand(file, options, io));
    });

  return program;
}

/** Runs the CLI on `argv` (process.argv style) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end in a CommanderError too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`transferlab: ${describeError(e)}\n`);
    return isUsageFailure(e) ? EXIT.usage : EXIT.failed;
  }
}
