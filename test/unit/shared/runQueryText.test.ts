import { describe, expect, it } from 'vitest';
import { RunQueryInputSchema } from '../../../src-shared/rpc/history';
import {
  parseRunQuery,
  splitTerm,
  toRunQueryFilters,
  tokenize,
} from '../../../src-shared/query/runQueryText';

describe('tokenize', () => {
  it('splits on spaces outside quotes and keeps where each term starts', () => {
    expect(tokenize('  source:"digits 0-4" lr<1e-3 ')).toEqual([
      { text: 'source:"digits 0-4"', start: 2 },
      { text: 'lr<1e-3', start: 22 },
    ]);
  });
});

describe('splitTerm', () => {
  it('reads the longest operator first', () => {
    expect(splitTerm('test_acc>=90')).toEqual({ field: 'test_acc', op: '>=', value: '90' });
    expect(splitTerm('λ!=0.1')).toEqual({ field: 'λ', op: '!=', value: '0.1' });
    expect(splitTerm('fine-tune')).toBeNull();
  });
});

describe('parseRunQuery', () => {
  it('parses the example of issue 14 into text, budget, metric and parameter conditions', () => {
    const q = parseRunQuery('strategy:fine-tune budget:10 test_acc>90 lr<1e-3 source:rot20');
    expect(q.problems).toEqual([]);
    expect(q.text).toEqual([
      { field: 'strategy', values: ['fine-tune'], exact: false },
      { field: 'source', values: ['rot20'], exact: false },
    ]);
    expect(q.budget).toEqual([10]);
    expect(q.metrics).toEqual([{ name: 'test_acc', mode: 'last', op: '>', value: 90 }]);
    expect(q.params).toEqual([{ path: 'training.learningRate', op: '<', value: 0.001 }]);
  });

  it('keeps free words (quoted ones whole) for plain search', () => {
    const q = parseRunQuery('mnist "digits 0-4" strategy=scratch');
    expect(q.words).toEqual(['mnist', 'digits 0-4']);
    expect(q.text).toEqual([{ field: 'strategy', values: ['scratch'], exact: true }]);
  });

  it('treats commas and a repeated field as alternatives', () => {
    const q = parseRunQuery('strategy:fine-tune,scratch strategy:mmd status:completed,failed');
    expect(q.text).toEqual([
      { field: 'strategy', values: ['fine-tune', 'scratch', 'mmd'], exact: false },
    ]);
    expect(q.status).toEqual(['completed', 'failed']);
  });

  it('reads a metric summary mode, parameters by alias and strategy parameter keys', () => {
    const q = parseRunQuery('val_loss.min<0.3 λ=0.01 frozen:2 optimizer:sgd keepSourceHead=true');
    expect(q.problems).toEqual([]);
    expect(q.metrics).toEqual([{ name: 'val_loss', mode: 'min', op: '<', value: 0.3 }]);
    expect(q.params).toEqual([
      { path: 'strategyParams.lambda', op: '=', value: 0.01 },
      { path: 'strategyParams.freezeLayers', op: '=', value: 2 },
      { path: 'training.optimizer', op: '=', value: 'sgd' },
      { path: 'strategyParams.keepSourceHead', op: '=', value: true },
    ]);
  });

  it('explains each bad term and leaves it out', () => {
    const q = parseRunQuery('colour:red test_acc>high budget:few lr>fast status:done test_acc:90');
    expect(q.metrics).toEqual([]);
    expect(q.params).toEqual([]);
    expect(q.problems.map((p) => [p.term, p.start])).toEqual([
      ['colour:red', 0],
      ['test_acc>high', 11],
      ['budget:few', 25],
      ['lr>fast', 36],
      ['status:done', 44],
      ['test_acc:90', 56],
    ]);
    expect(q.problems[0]?.message).toMatch(/Unknown field "colour"/);
    expect(q.problems[1]?.message).toBe('test_acc> needs a number, not "high".');
    expect(q.problems[4]?.message).toMatch(/use one of queued, running, completed/);
    expect(q.problems[5]?.message).toMatch(/Compare test_acc with >/);
  });

  it('refuses a missing value, an unknown mode and a comparison of a name', () => {
    const q = parseRunQuery('source: val_acc.median>3 strategy>fine');
    expect(q.problems.map((p) => p.message)).toEqual([
      '"source:" needs a value after it.',
      '"val_acc.median": a metric\'s summary is one of last, best, min, max (e.g. val_acc.min).',
      'strategy is a name: use strategy:text (contains) or strategy=name (exactly).',
    ]);
  });
});

describe('metric units (accuracies are typed in percent, as the grid shows them)', () => {
  it('turns test_acc>90 into a bound of 0.9 on the stored fraction', () => {
    const f = toRunQueryFilters(parseRunQuery('test_acc>90 val_acc.max>=75.5'));
    expect(f.metricFilters).toEqual([
      { name: 'test_acc', mode: 'last', op: '>', value: 0.9 },
      { name: 'val_acc', mode: 'max', op: '>=', value: 0.755 },
    ]);
  });

  it('leaves a loss in its own unit', () => {
    const f = toRunQueryFilters(parseRunQuery('val_loss<0.5'));
    expect(f.metricFilters).toEqual([{ name: 'val_loss', mode: 'last', op: '<', value: 0.5 }]);
  });

  it('warns that an accuracy of 0.9 means 0.9 %, and refuses one above 100', () => {
    const q = parseRunQuery('test_acc>0.9 val_acc<120');
    expect(q.metrics).toEqual([{ name: 'test_acc', mode: 'last', op: '>', value: 0.9 }]);
    expect(q.warnings.map((w) => w.message)).toEqual([
      'test_acc is in percent here: 0.9 means 0.9 %. For 90 % type test_acc>90.',
    ]);
    expect(q.problems.map((p) => p.message)).toEqual([
      'val_acc is in percent here (0–100), so 120 cannot match.',
    ]);
  });

  it('produces filters the runs.query schema accepts', () => {
    const f = toRunQueryFilters(
      parseRunQuery('strategy:fine-tune budget:10,all tag:paper test_acc>90 lr<1e-3 word'),
    );
    const parsed = RunQueryInputSchema.parse(f);
    expect(parsed.search).toBe('word');
    expect(parsed.budget).toEqual([10, 'all']);
    expect(parsed.tags).toEqual(['paper']);
    expect(parsed.paramFilters).toEqual([{ path: 'training.learningRate', op: '<', value: 0.001 }]);
  });
});
