import { lazy } from './lazy';

/**
 * The app's way to ECharts: the library is loaded on the first chart drawn (lib/echartsCore.ts
 * holds what is registered), never with the page, so the views without charts start on a bundle
 * a fraction of the size (issue 14). Types cost nothing at run time and stay static.
 */
export const loadECharts = lazy(() => import('./echartsCore'));

export type { ECharts, SetOptionOpts } from 'echarts/core';
