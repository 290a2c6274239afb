import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { workbenchCsp } from '../../src-shared/csp';

/**
 * The checks that keep the headless server private to this machine's user:
 * - it binds 127.0.0.1 only (see wsServer.ts);
 * - the Host header must name 127.0.0.1 or localhost on our port, on every request: a
 *   DNS-rebinding page (evil.example resolving to 127.0.0.1) sends `Host: evil.example` and is
 *   refused;
 * - the WebSocket Origin must be our own page: another site's script cannot connect; an upload
 *   that carries an Origin must carry ours (uploads.ts);
 * - the WebSocket (`?token=`) and uploads (`Authorization: Bearer`) need the per-launch token,
 *   compared in constant time.
 * The static app (page, scripts, styles: no data) is served without the token, GET and HEAD
 * only: the page has to load before it can read the token from its URL. README says the same.
 */

export const LOOPBACK_HOST = '127.0.0.1';

/** A per-launch secret: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first so that neither the content nor the
 * length of the expected token leaks through timing (timingSafeEqual needs equal lengths).
 */
export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The Host header values we answer to (lowercase, port included). */
export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`${LOOPBACK_HOST}:${port}`, `localhost:${port}`]);
}

/** The origins our own pages have. */
export function allowedOrigins(port: number): ReadonlySet<string> {
  return new Set([`http://${LOOPBACK_HOST}:${port}`, `http://localhost:${port}`]);
}

/** A missing or repeated header counts as foreign. */
export function isAllowedHost(host: string | string[] | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).has(host.toLowerCase());
}

export function isAllowedOrigin(origin: string | string[] | undefined, port: number): boolean {
  return typeof origin === 'string' && allowedOrigins(port).has(origin.toLowerCase());
}

/** The page's Content-Security-Policy: the page may open its WebSocket to this server only. */
export function contentSecurityPolicy(port: number): string {
  return workbenchCsp([`ws://${LOOPBACK_HOST}:${port}`, `ws://localhost:${port}`]);
}

/** Headers sent with every HTTP answer. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The token travels in the page URL: never send it to anyone in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
