import { describe, expect, it } from 'vitest';
import {
  barTooltip,
  classDistributionConfig,
  histogramConfig,
  toEChartsBarOption,
  type BarTooltipParams,
} from '../../../src-renderer/lib/barChart';
import { CHART_THEMES } from '../../../src-renderer/lib/chartTheme';
import { HTML_HEADER } from '../../helpers/badInputCorpus';

/** The formatter ECharts calls, taken from the option as the chart gets it. */
function formatterOf(option: Record<string, unknown>): (params: BarTooltipParams) => string {
  const tooltip = option.tooltip as { formatter: (params: BarTooltipParams) => string };
  return tooltip.formatter;
}

describe('bar chart tooltips (issue 11)', () => {
  it('escape a CSV header with markup in the histogram tooltip', () => {
    const config = histogramConfig({ feature: HTML_HEADER, edges: [0, 0.5, 1], counts: [3, 4] });
    const formatter = formatterOf(toEChartsBarOption(config, CHART_THEMES.light));
    const html = formatter({ dataIndex: 1, name: '0.5', value: 4 });
    expect(html).toContain('&lt;img');
    expect(html).not.toContain('<img');
    expect(html).toBe('&lt;img src=x onerror=alert(1)&gt;: [0.5, 1) · 4');
    // The config keeps the plain text (it is saved and exported as it is).
    expect(config.tooltips?.[1]).toBe(`${HTML_HEADER}: [0.5, 1) · 4`);
  });

  it('escape the category of a bar without a tooltip, and quotes', () => {
    const html = barTooltip(
      { type: 'bar', categories: ['<b>"a"</b>'], values: [1] },
      { dataIndex: 0, name: `<b>"a"</b> & 'b'`, value: 1 },
    );
    expect(html).toBe('&lt;b&gt;&quot;a&quot;&lt;/b&gt; &amp; &#39;b&#39;: 1');
  });

  it('leave plain tooltips as they were', () => {
    const config = classDistributionConfig([{ label: 3, count: 1200 }], [3]);
    expect(barTooltip(config, { dataIndex: 0, name: '3→0', value: 1200 })).toBe(
      'class 3: 1,200 rows · becomes 0',
    );
  });
});
