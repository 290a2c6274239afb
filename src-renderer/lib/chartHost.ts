import { init, type ECharts } from './echarts';

/**
 * Mounts an ECharts instance (canvas renderer) on `host` and keeps it sized to the element;
 * `onChange` receives the instance, then null once the returned teardown ran. Meant to be
 * returned from a component's $effect, so the chart lives exactly as long as its element.
 */
export function mountChart(
  host: HTMLElement,
  onChange: (chart: ECharts | null) => void,
): () => void {
  const instance = init(host, null, { renderer: 'canvas' });
  onChange(instance);
  const observer = new ResizeObserver(() => {
    instance.resize();
  });
  observer.observe(host);
  return () => {
    observer.disconnect();
    instance.dispose();
    onChange(null);
  };
}
