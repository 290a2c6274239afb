import { describe, expect, it } from 'vitest';
import {
  formatSpread,
  formatVerdict,
  perRoundRatios,
  spreadOf,
  verdictOf,
  type Goal,
} from '../../../bench/ratios';

const atLeast: Goal = { target: 0.3, direction: 'at least' };
const atMost: Goal = { target: 4, direction: 'at most' };

describe('per-round ratios (issue 12)', () => {
  it('pairs round i of ours with round i of the peer, for the rounds both have', () => {
    expect(perRoundRatios([10, 30, 20], [100, 100])).toEqual([0.1, 0.3]);
    expect(perRoundRatios([], [100])).toEqual([]);
  });

  it('skips a round with a zero or non-finite figure rather than print Infinity or NaN', () => {
    expect(perRoundRatios([10, 20, Number.NaN, 40], [0, 100, 100, 100])).toEqual([0.2, 0.4]);
  });

  it('gives the median of the rounds and their range', () => {
    expect(spreadOf([0.52, 0.17, 0.31])).toEqual({ median: 0.31, min: 0.17, max: 0.52, rounds: 3 });
    expect(spreadOf([0.2, 0.4])?.median).toBeCloseTo(0.3);
    expect(spreadOf([])).toBeUndefined();
    expect(formatSpread(spreadOf([0.52, 0.17, 0.31]))).toBe('0.31× (0.17×–0.52×)');
    expect(formatSpread(spreadOf([0.31]))).toBe('0.31×');
    expect(formatSpread(spreadOf([1, 1, 1]))).toBe('1.00×');
    expect(formatSpread(undefined)).toBe('');
  });
});

describe('a verdict only when the rounds agree', () => {
  it('is met or not met when every round is on one side of the goal', () => {
    expect(verdictOf([0.31, 0.35, 0.3], atLeast).kind).toBe('met');
    expect(verdictOf([0.1, 0.29, 0.2], atLeast).kind).toBe('not met');
    expect(verdictOf([3.9, 4], atMost).kind).toBe('met');
    expect(verdictOf([4.1, 5], atMost).kind).toBe('not met');
  });

  it('is undecided when the rounds fall on both sides, as measured on the small MLP under load', () => {
    const verdict = verdictOf([0.17, 0.31, 0.52], atLeast);
    expect(verdict.kind).toBe('undecided');
    expect(formatVerdict(verdict)).toBe(
      '0.31× (0.17×–0.52×, 3 rounds): undecided: rounds disagree (2 of 3 meet it); ' +
        'rerun on an idle machine',
    );
    expect(verdictOf([3, 5], atMost).kind).toBe('undecided');
  });

  it('is undecided with one round (nothing to agree with) or none', () => {
    expect(verdictOf([0.5], atLeast).kind).toBe('undecided');
    expect(verdictOf([], atLeast)).toEqual({ kind: 'undecided', reason: 'no round measured' });
  });

  it('prints the median, the range and the rounds beside the verdict', () => {
    expect(formatVerdict(verdictOf([0.4, 0.35, 0.5], atLeast))).toBe(
      '0.40× (0.35×–0.50×, 3 rounds): met',
    );
  });
});
