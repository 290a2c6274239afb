/**
 * The workbench page's Content-Security-Policy, the same in Electron and in headless mode; only
 * the WebSocket sources differ. `style-src 'unsafe-inline'`: Svelte sets `style="..."` attributes
 * and injects `<style>` for transitions, and ECharts styles its tooltips inline; scripts stay
 * 'self' only, and nothing may be framed, posted or loaded as a plugin.
 */
export function workbenchCsp(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
