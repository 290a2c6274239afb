/**
 * ECharts, tree-shaken: only the line and bar charts, its components and the canvas renderer (the
 * Compare view's extra pieces are registered by compareEcharts.ts). Nothing here needs `eval` or
 * `new Function`, so the strict CSP (script-src 'self') holds.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { init };
export type { ECharts, SetOptionOpts } from 'echarts/core';
