import { z } from 'zod';

/**
 * Zod 4 compiles object parsers with `new Function` when it can, and probes for it first. Under
 * the renderer's CSP (script-src 'self', no 'unsafe-eval') the probe fails and, although zod
 * catches the error, Chromium still reports a CSP violation. `jitless` skips both.
 * Imported first by main.ts, before any schema parses.
 */
z.config({ jitless: true });
