import { describe, expect, it } from 'vitest';
import { embeddingText } from '../../../src-main/cli/embedding';
import type { EmbeddingSide } from '../../../src-shared/domain/embedding';

/** `transferlab embedding` (issue 14, point 3): the numbers before → after, or why none. */

function side(label: string, mmd2: number, proxyADistance: number): EmbeddingSide {
  return {
    label,
    runId: 1,
    layer: 'hidden_2',
    features: 32,
    mmd2,
    proxyADistance,
    domainError: (2 - proxyADistance) / 4,
    pca: [],
    umap: [],
    pcaExplained: [0.5, 0.2],
  };
}

describe('embeddingText', () => {
  it('prints MMD² and the proxy A-distance before → after', () => {
    const text = embeddingText({
      status: 'ready',
      embedding: {
        runId: 3,
        settings: { perDomain: 300, seed: 0 },
        sourceName: 'digits upright',
        targetName: 'digits rotated 40°',
        points: { domain: [0, 1], label: [0, 0] },
        before: side('source model (run #1)', 0.1384, 1.96),
        beforeMissing: null,
        after: side('this run (#3, mmd)', 0.0049, 0),
        computedAt: '2026-12-06T18:00:00.000Z',
      },
    });
    expect(text).toBe(
      'Run #3: digits upright → digits rotated 40°, 2 test rows, layer hidden_2 (32 features), seed 0\n' +
        '  before: source model (run #1)\n' +
        '  after:  this run (#3, mmd)\n' +
        '                      before   after\n' +
        '  MMD²                 0.138 → 0.005\n' +
        '  proxy A-distance     1.960 → 0.000\n',
    );
  });

  it('says why a run has none', () => {
    expect(embeddingText({ status: 'unavailable', message: 'Not kept.' })).toBe('Not kept.\n');
  });
});
