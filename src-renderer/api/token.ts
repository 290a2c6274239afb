/** Where the WebSocket access token is kept across reloads of this tab (not across tabs). */
export const TOKEN_STORAGE_KEY = 'transferlab.token';

export interface TokenEnvironment {
  location: { href: string };
  storage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  } | null;
  replaceUrl: (url: string) => void;
}

/**
 * The server prints `http://127.0.0.1:PORT/?token=…`. Take the token from the URL once, keep it in
 * sessionStorage so that reloads keep working, and strip it from the visible URL (history,
 * screenshots, screen sharing). Returns null when there is none anywhere.
 */
export function takeToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null && fromUrl !== '') {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    env.replaceUrl(url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    const stored = env.storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return stored === '' ? null : stored;
  } catch {
    return null;
  }
}

export function rpcUrl(location: { protocol: string; host: string }, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return `${scheme}://${location.host}/rpc${query}`;
}
