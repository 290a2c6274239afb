import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  installedWorker,
  sbatchScript,
  SbatchOptionError,
  type ArrayJobRequest,
} from '../../../../src-main/cluster/slurm/sbatchScript';

const worker = {
  executable: '/opt/node/bin/node',
  script: '/shared/transferlab/bin/transferlab.js',
};
const base: ArrayJobRequest = {
  jobName: 'tl-transfer',
  jobsDir: '/shared/ws/jobs/exp-7/transfer',
  logsDir: '/shared/ws/jobs/exp-7/logs',
  taskCount: 12,
  worker,
};

describe('sbatchScript', () => {
  it('writes every option as an #SBATCH line and starts task i on job file i', () => {
    const script = sbatchScript({
      ...base,
      partition: 'gpu',
      account: 'lab-42',
      time: '02:00:00',
      cpusPerTask: 4,
      gpusPerTask: 1,
      mem: '4G',
      arrayParallelism: 3,
      dependency: { type: 'aftercorr', jobId: '1234' },
      extraArgs: ['--qos=high', '--exclusive', '--constraint=a100|h100'],
    });
    expect(script).toBe(
      [
        '#!/bin/sh',
        '# tl-transfer: written by Transferlab (issue 16).',
        '#SBATCH --job-name="tl-transfer"',
        '#SBATCH --array="0-11%3"',
        '#SBATCH --chdir="/shared/ws/jobs/exp-7/transfer"',
        '#SBATCH --output="/shared/ws/jobs/exp-7/logs/%A_%a.out"',
        '#SBATCH --error="/shared/ws/jobs/exp-7/logs/%A_%a.err"',
        '#SBATCH --open-mode="append"',
        '#SBATCH --partition="gpu"',
        '#SBATCH --account="lab-42"',
        '#SBATCH --time="02:00:00"',
        '#SBATCH --cpus-per-task="4"',
        '#SBATCH --gpus-per-task="1"',
        '#SBATCH --mem="4G"',
        '#SBATCH --dependency="aftercorr:1234"',
        '#SBATCH --kill-on-invalid-dep="yes"',
        '#SBATCH --qos="high"',
        '#SBATCH --exclusive',
        '#SBATCH --constraint="a100|h100"',
        '',
        "exec '/opt/node/bin/node' '/shared/transferlab/bin/transferlab.js' worker " +
          '\'/shared/ws/jobs/exp-7/transfer/\'"$SLURM_ARRAY_TASK_ID".json',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the options not asked for, and waits for whole jobs with afterok', () => {
    const script = sbatchScript({
      ...base,
      taskCount: 1,
      dependency: { type: 'afterok', jobIds: ['11', '12'] },
    });
    expect(script.split('\n').filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name="tl-transfer"',
      '#SBATCH --array="0-0"',
      '#SBATCH --chdir="/shared/ws/jobs/exp-7/transfer"',
      '#SBATCH --output="/shared/ws/jobs/exp-7/logs/%A_%a.out"',
      '#SBATCH --error="/shared/ws/jobs/exp-7/logs/%A_%a.err"',
      '#SBATCH --open-mode="append"',
      '#SBATCH --dependency="afterok:11:12"',
      '#SBATCH --kill-on-invalid-dep="yes"',
    ]);
  });

  it('quotes values for sbatch and paths for the shell', () => {
    const script = sbatchScript({
      ...base,
      jobName: 'say "hi" \\ # not a comment',
      jobsDir: "/shared/it's here/jobs",
      logsDir: '/shared/100% logs',
      worker: { ...worker, env: { ELECTRON_RUN_AS_NODE: '1' } },
    });
    expect(script).toContain('#SBATCH --job-name="say \\"hi\\" \\\\ # not a comment"\n');
    expect(script).toContain('#SBATCH --chdir="/shared/it\'s here/jobs"\n');
    // A % of the folder's name is doubled, so Slurm does not read it as a pattern.
    expect(script).toContain('#SBATCH --output="/shared/100%% logs/%A_%a.out"\n');
    expect(script).toContain("export ELECTRON_RUN_AS_NODE='1'\n");
    expect(script).toContain(`worker '/shared/it'\\''s here/jobs/'"$SLURM_ARRAY_TASK_ID".json\n`);
  });

  it('refuses a value that would start a new #SBATCH line', () => {
    const injections: Partial<ArrayJobRequest>[] = [
      { jobName: 'x\n#SBATCH --uid=0' },
      { jobName: 'x\r#SBATCH --uid=0' },
      { jobsDir: '/shared/jobs\n#SBATCH --uid=0' },
      { logsDir: '/shared/logs\u0000' },
      { extraArgs: ['--comment=a\nb'] },
      { partition: 'gpu\n#SBATCH --uid=0' },
      { account: 'a b' },
      { mem: '4G\n' },
      { time: '1:00\n' },
    ];
    for (const injection of injections) {
      expect(() => sbatchScript({ ...base, ...injection }), JSON.stringify(injection)).toThrow(
        SbatchOptionError,
      );
    }
  });

  it('refuses options it cannot express or that would break the job', () => {
    const bad: Partial<ArrayJobRequest>[] = [
      { taskCount: 0 },
      { taskCount: 2.5 },
      { arrayParallelism: 0 },
      { cpusPerTask: -1 },
      { gpusPerTask: Number.NaN },
      { time: '2 hours' },
      { mem: '4 GB' },
      { jobsDir: 'relative/jobs' },
      { dependency: { type: 'afterok', jobIds: [] } },
      { dependency: { type: 'aftercorr', jobId: '12;rm' } },
      { extraArgs: ['-p gpu'] },
      { extraArgs: ['--array=0-99'] },
      { extraArgs: ['--output=/elsewhere'] },
      { extraArgs: ['--dependency=afterany:1'] },
      { worker: { ...worker, env: { 'BAD NAME': '1' } } },
    ];
    for (const options of bad) {
      expect(() => sbatchScript({ ...base, ...options }), JSON.stringify(options)).toThrow(
        SbatchOptionError,
      );
    }
  });

  it('waits for single array tasks with afterok <job>_<task>, and refuses anything else', () => {
    const script = sbatchScript({
      ...base,
      dependency: { type: 'afterok', jobIds: ['1234_0', '1234_17', '99'] },
    });
    expect(script).toContain('#SBATCH --dependency="afterok:1234_0:1234_17:99"\n');
    expect(script).toContain('#SBATCH --kill-on-invalid-dep="yes"\n');
    for (const id of ['12_x', '12_', '_3', '12_3_4', '12-3', '12_3;rm', ' 12_3', '12_-1']) {
      expect(
        () => sbatchScript({ ...base, dependency: { type: 'afterok', jobIds: ['11', id] } }),
        id,
      ).toThrow(new SbatchOptionError(`--dependency job id ${JSON.stringify(id)} is not valid`));
    }
    // aftercorr pairs whole arrays task by task: a task id there is refused.
    expect(() =>
      sbatchScript({ ...base, dependency: { type: 'aftercorr', jobId: '1234_0' } }),
    ).toThrow(SbatchOptionError);
  });

  it('accepts each of Slurm time formats', () => {
    for (const time of ['30', '30:00', '2:00:00', '1-0', '1-12:00', '1-12:00:00', 'UNLIMITED']) {
      expect(sbatchScript({ ...base, time }), time).toContain(`#SBATCH --time="${time}"\n`);
    }
  });
});

describe('installedWorker', () => {
  it("runs this install's bin/transferlab.js with this Node", () => {
    const launcher = installedWorker();
    expect(launcher.executable).toBe(process.execPath);
    expect(launcher.script).toMatch(/[\\/]bin[\\/]transferlab\.js$/);
    expect(existsSync(launcher.script)).toBe(true);
    expect(launcher.env).toBeUndefined();
  });
});
