import { loadECharts, type ECharts } from './echarts';
import type { ResolvedTheme } from './chartTheme';
import { base64Bytes, safeFileName } from './compareDownload';

/**
 * A drawn chart saved as a picture (issue 14): PNG from the canvas at twice its pixels, SVG drawn
 * again by ECharts' SVG renderer in server-side mode (no element, nothing shown), both on the
 * theme's panel colour so that the file looks as the chart did.
 */

/** The panel colour of each theme (app.css --surface): a transparent PNG would lose its text. */
export const EXPORT_BACKGROUND: Record<ResolvedTheme, string> = {
  light: '#ffffff',
  dark: '#1c1f24',
};

export type ImageFormat = 'png' | 'svg';

/** `val_acc per epoch` → `val_acc_per_epoch.png`: no path, no odd characters, never empty. */
export function chartFileName(title: string, format: ImageFormat): string {
  const stem = safeFileName(title.trim().replace(/\s+/g, '_'))
    .replace(/_+/g, '_')
    .replace(/_$/, '')
    .slice(0, 100);
  return `${stem === '' || stem === 'report' ? 'chart' : stem}.${format}`;
}

/** A `data:image/png;base64,…` URL as a PNG blob. */
export function dataUrlBlob(url: string): Blob {
  const match = /^data:([^;,]+);base64,(.*)$/.exec(url);
  if (match === null) throw new Error('not a base64 data URL');
  return new Blob([base64Bytes(match[2] ?? '')], { type: match[1] });
}

export interface ChartExporter {
  image(format: ImageFormat): Promise<Blob>;
}

/** What a drawn chart shows now: its option in the theme it is drawn in. */
export type CurrentDrawing = () => { option: Record<string, unknown>; theme: ResolvedTheme };

export function chartExporter(instance: ECharts, current: CurrentDrawing): ChartExporter {
  return {
    async image(format) {
      const { option, theme } = current();
      const backgroundColor = EXPORT_BACKGROUND[theme];
      if (format === 'png')
        return dataUrlBlob(instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor }));
      const { init } = await loadECharts();
      const svg = init(null, null, {
        renderer: 'svg',
        ssr: true,
        width: instance.getWidth(),
        height: instance.getHeight(),
      });
      try {
        // The option as drawn, zoom included (a zoomed chart exports as zoomed).
        svg.setOption({ ...option, backgroundColor, dataZoom: instance.getOption().dataZoom });
        return new Blob([svg.renderToSVGString()], { type: 'image/svg+xml' });
      } finally {
        svg.dispose();
      }
    },
  };
}
