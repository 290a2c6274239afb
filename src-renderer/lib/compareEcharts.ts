/**
 * The extra ECharts pieces the Compare view needs, registered on the same tree-shaken core as
 * lib/echartsCore.ts (registration is global): custom series for the shaded bands and error bars,
 * heatmaps with a visual map for the source × target gains and the confusion matrix, mark lines
 * for crossovers, titles and zoom (inside and slider) for the small multiples, parallel
 * coordinates, and the SVG renderer that exports a chart as SVG (chartExport.ts).
 */
import { CustomChart, HeatmapChart, ParallelChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import { use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([
  CustomChart,
  HeatmapChart,
  ParallelChart,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);
