import { describe, expect, it } from 'vitest';
import { barTooltip, classDistributionConfig } from '../../../src-renderer/lib/barChart';

const counts = [
  { label: 0, count: 30 },
  { label: 1, count: 45 },
  { label: 2, count: 60 },
];
const names = new Map([
  [0, 'setosa'],
  [1, 'versicolor'],
  [2, 'virginica'],
]);

describe('the class distribution with class names (issue 14)', () => {
  it('labels each bar by its name, and a kept class by its name and new label', () => {
    expect(classDistributionConfig(counts, null, names).categories).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
    const kept = classDistributionConfig(counts, [2, 0], names);
    expect(kept.categories).toEqual(['setosa→1', 'versicolor', 'virginica→0']);
    expect(barTooltip(kept, { dataIndex: 2, name: 'virginica→0', value: 60 })).toBe(
      'class 2 (virginica): 60 rows · becomes 0',
    );
  });

  it('keeps the numbers when the dataset has no names', () => {
    expect(classDistributionConfig(counts, [1], undefined).categories).toEqual(['0', '1→0', '2']);
  });

  it('escapes a name from the file in the tooltip', () => {
    const hostile = new Map([[0, '<img src=x onerror=alert(1)>']]);
    const config = classDistributionConfig([{ label: 0, count: 1 }], null, hostile);
    expect(barTooltip(config, { dataIndex: 0, name: '', value: 1 })).not.toContain('<img');
  });
});
