import { describe, expect, it } from 'vitest';
import { href, parseHash, sectionOf, type Route } from '../../../src-renderer/lib/routes';

describe('hash routes', () => {
  it('parses every route and formats it back', () => {
    const routes: Route[] = [
      { name: 'experiments' },
      { name: 'experiment-new', example: null },
      { name: 'experiment-new', example: 'digits split' },
      { name: 'experiment', id: 12 },
      { name: 'runs' },
      { name: 'run', id: 3 },
      { name: 'datasets' },
      { name: 'dataset', id: 7 },
      { name: 'models' },
      { name: 'model', id: 4 },
      { name: 'compare', experiments: [], runs: [], setup: null },
      { name: 'compare', experiments: [1, 2], runs: [7], setup: null },
      { name: 'compare', experiments: [], runs: [], setup: 3 },
      { name: 'settings' },
    ];
    for (const route of routes) expect(parseHash(href(route))).toEqual(route);
  });

  it('defaults to the experiments list', () => {
    expect(parseHash('')).toEqual({ name: 'experiments' });
    expect(parseHash('#/')).toEqual({ name: 'experiments' });
  });

  it('refuses ids that are not positive integers, and unknown paths', () => {
    for (const hash of [
      '#/runs/0',
      '#/runs/-1',
      '#/runs/1.5',
      '#/runs/abc',
      '#/runs/01',
      '#/x',
      '#/runs/1/2',
      '#/models/0',
      '#/models/m1',
    ]) {
      expect(parseHash(hash).name).toBe('not-found');
    }
  });

  it('maps detail routes to their navigation section', () => {
    expect(sectionOf({ name: 'run', id: 1 })).toBe('runs');
    expect(sectionOf({ name: 'dataset', id: 2 })).toBe('datasets');
    expect(sectionOf({ name: 'model', id: 2 })).toBe('models');
    expect(sectionOf({ name: 'experiment-new', example: null })).toBe('experiments');
    expect(sectionOf({ name: 'not-found', path: 'x' })).toBeNull();
  });
});
