/**
 * ECharts, tree-shaken: only the line, bar and scatter (the run page's embedding) charts, their components, the Compare view's extra
 * pieces (lib/compareEcharts.ts) and the canvas renderer. Loaded on demand through lib/echarts.ts,
 * so this module and the ECharts code it pulls in form a chunk of their own that pages without a
 * chart never download (issue 14: the renderer bundle stays lean). Nothing here needs `eval` or
 * `new Function`, so the strict CSP (script-src 'self') holds.
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import './compareEcharts';

use([
  LineChart,
  BarChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { init };
