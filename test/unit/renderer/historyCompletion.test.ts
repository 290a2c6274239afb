import { describe, expect, it } from 'vitest';
import {
  applySuggestion,
  completeQuery,
  quoteValue,
  type KnownValues,
} from '../../../src-renderer/lib/historyCompletion';
import { parseRunQuery } from '../../../src-shared/query/runQueryText';

const known: KnownValues = {
  strategies: ['fine-tune', 'l2-sp', 'scratch'],
  variants: ['fine-tune', 'fine-tune · l2sp λ=0.01'],
  sources: ['digits 0-4', 'digits 0-4 rot20'],
  targets: ['digits 5-9', 'usps'],
};

const labels = (text: string, caret = text.length): string[] =>
  completeQuery(text, caret, known).items.map((i) => i.label);

describe('completeQuery', () => {
  it('offers field names for a term without an operator', () => {
    expect(labels('st')).toEqual(['strategy', 'status']);
    expect(labels('test_')).toEqual(['test_acc', 'test_loss']);
    expect(labels('')).toEqual([]);
  });

  it('inserts a comparison for a metric and a colon for other fields', () => {
    const c = completeQuery('budget:10 test_a', 16, known);
    expect(c.items[0]).toEqual({ label: 'test_acc', detail: 'metric, in %', insert: 'test_acc>' });
    expect(c.from).toBe(10);
    expect(completeQuery('sou', 3, known).items[0]?.insert).toBe('source:');
  });

  it('offers the values the workspace has, quoting those with spaces', () => {
    expect(labels('strategy:')).toEqual(['fine-tune', 'l2-sp', 'scratch']);
    expect(labels('source:rot')).toEqual(['digits 0-4 rot20']);
    expect(completeQuery('source:rot', 10, known).items[0]?.insert).toBe(
      'source:"digits 0-4 rot20" ',
    );
    expect(labels('status:c')).toEqual(['completed', 'cancelled', 'crashed']);
    expect(labels('strategy:scratch,fi')).toEqual(['fine-tune']);
    expect(completeQuery('strategy:scratch,fi', 19, known).items[0]?.insert).toBe(
      'strategy:scratch,fine-tune ',
    );
  });

  it('offers summary modes after a metric and a dot', () => {
    expect(labels('val_loss.m')).toEqual(['val_loss.min', 'val_loss.max']);
  });

  it('completes the term under the caret, not the last one', () => {
    const text = 'tar budget:10';
    const c = completeQuery(text, 3, known);
    expect(c.items.map((i) => i.label)).toEqual(['target', 'targetLabels']);
    const item = c.items[0];
    if (item === undefined) throw new Error('no suggestion');
    expect(applySuggestion(text, c, item)).toEqual({ text: 'target: budget:10', caret: 7 });
  });

  it('offers nothing after a comparison or for a field without known values', () => {
    expect(labels('test_acc>9')).toEqual([]);
    expect(labels('lr:')).toEqual([]);
  });
});

describe('applySuggestion', () => {
  it('produces text the parser reads back as the chosen value', () => {
    const text = 'source:rot';
    const c = completeQuery(text, text.length, known);
    const item = c.items[0];
    if (item === undefined) throw new Error('no suggestion');
    const applied = applySuggestion(text, c, item);
    expect(applied.text).toBe('source:"digits 0-4 rot20" ');
    expect(parseRunQuery(applied.text).text).toEqual([
      { field: 'source', values: ['digits 0-4 rot20'], exact: false },
    ]);
    expect(quoteValue('usps')).toBe('usps');
  });
});
