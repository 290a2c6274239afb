/**
 * A spec that trains in about a second: two linear-binary domains of 8 features, scratch and
 * fine-tune, one seed, two epochs on the cpu backend (CLI tests).
 */
export function tinySpec(name: string): Record<string, unknown> {
  return {
    name,
    sources: [
      {
        name: 'A',
        dataset: { generator: 'linear-binary', features: 8, samples: 200, taskSeed: 3 },
      },
    ],
    targets: [
      {
        name: 'B',
        dataset: {
          generator: 'linear-binary',
          features: 8,
          samples: 200,
          taskSeed: 3,
          angleDeg: 20,
        },
      },
    ],
    strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
    budgets: [10],
    seeds: [0],
    model: { type: 'mlp', hidden: [4] },
    training: { epochs: 2, learningRate: 0.01, batchSize: 32, backend: 'cpu' },
  };
}
