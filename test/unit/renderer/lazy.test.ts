import { describe, expect, it } from 'vitest';
import { lazy } from '../../../src-renderer/lib/lazy';

describe('lazy', () => {
  it('starts the load on first use and shares it after', async () => {
    let loads = 0;
    const get = lazy(() => {
      loads += 1;
      return Promise.resolve({ value: loads });
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(await get()).toBe(a);
    expect(a).toBe(b);
    expect(a.value).toBe(1);
    expect(loads).toBe(1);
  });

  it('forgets a failed load, so the next use tries again', async () => {
    let loads = 0;
    const get = lazy(() => {
      loads += 1;
      return loads === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve('ok');
    });
    await expect(get()).rejects.toThrow('chunk missing');
    await expect(get()).resolves.toBe('ok');
    await expect(get()).resolves.toBe('ok');
    expect(loads).toBe(2);
  });
});
