import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, rpcUrl, takeToken } from '../../../src-renderer/api/token';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => {
      data.set(key, value);
    },
  };
}

describe('access token', () => {
  it('takes the token from the URL, keeps it and strips it from the address bar', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = takeToken({
      location: { href: 'http://127.0.0.1:5199/?token=a%2Bb&x=1#/runs/3' },
      storage,
      replaceUrl: (url) => replaced.push(url),
    });
    expect(token).toBe('a+b');
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('a+b');
    expect(replaced).toEqual(['/?x=1#/runs/3']);
  });

  it('falls back to the kept token after a reload', () => {
    const replaced: string[] = [];
    const token = takeToken({
      location: { href: 'http://127.0.0.1:5199/#/runs' },
      storage: memoryStorage({ [TOKEN_STORAGE_KEY]: 'kept' }),
      replaceUrl: (url) => replaced.push(url),
    });
    expect(token).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('returns null when there is none', () => {
    expect(
      takeToken({ location: { href: 'http://h/' }, storage: null, replaceUrl: () => undefined }),
    ).toBeNull();
  });

  it('builds the RPC address from the page location', () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:5199' }, 'a b')).toBe(
      'ws://127.0.0.1:5199/rpc?token=a%20b',
    );
    expect(rpcUrl({ protocol: 'https:', host: 'h' }, null)).toBe('wss://h/rpc');
  });
});
