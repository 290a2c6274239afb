import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/**
 * One chart to one SVG string with ECharts' server-side rendering (no DOM, no canvas): the
 * report's charts are the same ECharts charts the app draws, baked into the file.
 *
 * ECharts escapes text it writes into SVG (`<`, `>`, `&`, quotes become entities; a test keeps
 * that true), so names are given to it raw: escaping them first would print "&lt;" to the
 * reader. `assertSafeSvg` checks the result anyway, since the SVG is pasted into the HTML
 * unescaped: no script element, no event-handler attribute, no link, no foreign HTML.
 */
export const CHART_WIDTH = 760;
export const CHART_HEIGHT = 380;

export function renderSvg(
  option: EChartsOption,
  key: string,
  width = CHART_WIDTH,
  height = CHART_HEIGHT,
): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    const svg = stableIds(chart.renderToSVGString(), key);
    assertSafeSvg(svg);
    return svg;
  } finally {
    chart.dispose();
  }
}

/**
 * ECharts names clip paths and gradients after a process-wide counter (`zr7-c0`) and writes a
 * <style> of hover effects under class names from that counter. The style is meaningless on
 * paper and is dropped with its classes; the ids are renamed after the chart's own key, so one
 * page's charts never share an id and the same report renders to the same bytes. Only tags
 * are touched: a name in the text that looks like an id stays as it is.
 */
function stableIds(svg: string, key: string): string {
  const prefix = key.replace(/[^A-Za-z0-9_-]/g, '_');
  return svg
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, (tag) =>
      tag.replace(/\sclass="zr\d+-cls-\d+"/g, '').replace(/\bzr\d+-/g, `${prefix}-`),
    );
}

/** Elements and attributes an inert chart never needs; their presence means something leaked. */
const FORBIDDEN_ELEMENT =
  /^<\s*\/?\s*(script|foreignObject|iframe|object|embed|a|use|image|style)\b/i;
const FORBIDDEN_ATTRIBUTE = /\s(on[a-z]+|href|xlink:href|src)\s*=/i;

export function assertSafeSvg(svg: string): void {
  // Text content has no raw '<' or '>' once escaped, so every match here is a real tag.
  for (const match of svg.matchAll(/<[^>]*>/g)) {
    const tag = match[0];
    if (FORBIDDEN_ELEMENT.test(tag) || FORBIDDEN_ATTRIBUTE.test(tag)) {
      throw new Error(`Refusing a chart with unexpected markup: ${tag.slice(0, 80)}`);
    }
  }
}
