import { describe, expect, it } from 'vitest';
import { recordedClassNames } from '../../../src-main/store/classNames';

const imported = (classes: number[], report: unknown) => ({
  kind: 'imported' as const,
  name: 'iris',
  classes,
  provenance: { format: 'csv', report: JSON.stringify(report) },
});

describe('the class names a dataset row carries', () => {
  it("are the label map an import recorded (a CSV's setosa → 0)", () => {
    const report = {
      labelMap: [
        { original: 'setosa', label: 0 },
        { original: 'versicolor', label: 1 },
        { original: 'virginica', label: 2 },
      ],
    };
    expect(recordedClassNames(imported([0, 1, 2], report))).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
  });

  it('follow the classes the rows kept (a label whose rows were all dropped is left out)', () => {
    const report = {
      labelMap: [
        { original: 'a', label: 0 },
        { original: 'b', label: 1 },
        { original: 'c', label: 2 },
      ],
    };
    expect(recordedClassNames(imported([0, 2], report))).toEqual(['a', 'c']);
  });

  it("are Fashion-MNIST's clothes for the built-in dataset", () => {
    const names = recordedClassNames({
      kind: 'builtin',
      name: 'fashion-mnist',
      classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      provenance: {},
    });
    expect(names?.[0]).toBe('T-shirt/top');
    expect(names?.[5]).toBe('Sandal');
    expect(names?.[9]).toBe('Ankle boot');
  });

  it('are absent for integer labels, a map that misses a class, and unreadable provenance', () => {
    expect(
      recordedClassNames({ kind: 'builtin', name: 'digits', classes: [0, 1], provenance: {} }),
    ).toBeUndefined();
    expect(recordedClassNames(imported([0, 1], { warnings: [] }))).toBeUndefined();
    expect(
      recordedClassNames(imported([0, 1], { labelMap: [{ original: 'a', label: 0 }] })),
    ).toBeUndefined();
    expect(
      recordedClassNames({
        kind: 'imported',
        name: 'x',
        classes: [0],
        provenance: { report: '{not json' },
      }),
    ).toBeUndefined();
  });
});
