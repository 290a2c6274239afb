/**
 * The extra ECharts pieces the Compare view needs, registered on the same tree-shaken core as
 * lib/echarts.ts (registration is global): custom series for the shaded bands and error bars,
 * heatmaps with a visual map for the source × target gains and the confusion matrix, and mark
 * lines for crossovers. Imported for its side effect by Chart.svelte, which draws the Compare charts too.
 */
import { CustomChart, HeatmapChart } from 'echarts/charts';
import { MarkLineComponent, VisualMapContinuousComponent } from 'echarts/components';
import { use } from 'echarts/core';

use([CustomChart, HeatmapChart, MarkLineComponent, VisualMapContinuousComponent]);
