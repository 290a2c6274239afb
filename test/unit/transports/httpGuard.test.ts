import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedHost,
  isAllowedOrigin,
  newToken,
  tokensEqual,
} from '../../../src-main/transports/httpGuard';

describe('tokens', () => {
  it('are 256-bit, URL-safe and different each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });

  it('compare equal only when identical', () => {
    const token = newToken();
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token, token.slice(0, -1))).toBe(false);
    expect(tokensEqual(token, `${token}a`)).toBe(false);
    expect(tokensEqual(token, token.toUpperCase())).toBe(false);
    expect(tokensEqual(token, '')).toBe(false);
    expect(tokensEqual(token, null)).toBe(false);
    expect(tokensEqual(token, undefined)).toBe(false);
  });
});

describe('Host and Origin', () => {
  it('accept loopback names on our port only', () => {
    expect(isAllowedHost('127.0.0.1:4321', 4321)).toBe(true);
    expect(isAllowedHost('LOCALHOST:4321', 4321)).toBe(true);
    for (const host of [
      '127.0.0.1',
      '127.0.0.1:4322',
      'evil.example:4321',
      'localhost.evil:4321',
      '0.0.0.0:4321',
    ]) {
      expect(isAllowedHost(host, 4321), host).toBe(false);
    }
    expect(isAllowedHost(undefined, 4321)).toBe(false);
    expect(isAllowedHost(['127.0.0.1:4321'], 4321)).toBe(false);
  });

  it('accept our own http origins only', () => {
    expect(isAllowedOrigin('http://127.0.0.1:4321', 4321)).toBe(true);
    expect(isAllowedOrigin('http://localhost:4321', 4321)).toBe(true);
    for (const origin of [
      'https://127.0.0.1:4321',
      'http://127.0.0.1:4322',
      'http://evil.example',
      'null',
      'file://',
    ]) {
      expect(isAllowedOrigin(origin, 4321), origin).toBe(false);
    }
    expect(isAllowedOrigin(undefined, 4321)).toBe(false);
  });

  it('build a CSP that only connects back to us', () => {
    const csp = contentSecurityPolicy(4321);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4321 ws://localhost:4321;");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });
});
