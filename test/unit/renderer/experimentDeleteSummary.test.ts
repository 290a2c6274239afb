import { describe, expect, it } from 'vitest';
import type { ExperimentDeletePreview } from '../../../src-shared/rpc/experiments';
import {
  idList,
  summariseExperimentDelete,
} from '../../../src-renderer/lib/experimentDeleteSummary';

const preview: ExperimentDeletePreview = {
  experimentId: 3,
  name: 'Baseline sweep',
  runs: 12,
  metricValues: 1440,
  logLines: 1,
  models: { folders: 2, bytes: 3 * 1024 * 1024 },
  sharedModelFolders: 1,
  active: [],
  dependants: [],
  reports: 0,
};

describe('summariseExperimentDelete', () => {
  it('says what goes and what stays, with nothing in the way', () => {
    expect(summariseExperimentDelete(preview)).toEqual({
      goes: [
        '12 runs, with their 1,440 metric values and 1 log line, tags and notes',
        '2 saved model folders (3.0 MiB on disk)',
        'Its design and plan',
      ],
      stays: ['The datasets and domains it used', '1 model folder that other runs also use'],
      blockers: [],
      warnings: [],
    });
  });

  it('names active runs and dependent experiments as blockers, reports as a warning', () => {
    const s = summariseExperimentDelete({
      ...preview,
      runs: 0,
      models: { folders: 0, bytes: 0 },
      sharedModelFolders: 0,
      active: [
        { id: 7, status: 'running' },
        { id: 8, status: 'queued' },
        { id: 9, status: 'queued' },
      ],
      dependants: [{ experimentId: 5, name: 'Reuse', runIds: [40] }],
      reports: 2,
    });
    expect(s.goes.slice(0, 2)).toEqual(['No runs', 'No saved model files']);
    expect(s.stays).toEqual(['The datasets and domains it used']);
    expect(s.blockers).toEqual([
      'Runs #7 running and #8 and #9 queued: cancel the experiment first.',
      "Experiment #5 “Reuse” has 1 run (#40) that starts from this experiment's source models: delete it first.",
    ]);
    expect(s.warnings).toEqual([
      '2 saved reports compared some of these runs: the report files stay, but they can no longer be regenerated.',
    ]);
  });
});

describe('idList', () => {
  it('joins a few ids and counts the rest', () => {
    expect(idList([4])).toBe('#4');
    expect(idList([4, 5, 6])).toBe('#4, #5 and #6');
    expect(idList([1, 2, 3, 4], 2)).toBe('#1, #2 and 2 more');
  });
});
