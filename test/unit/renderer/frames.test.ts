import { describe, expect, it } from 'vitest';
import { bridgeTransport } from '../../../src-renderer/api/bridge';
import { ResultSchema, ServerFrameSchema, toResult } from '../../../src-renderer/api/frames';
import { RPC_METHODS } from '../../../src-shared/rpc/contract';

describe('the error envelope on the wire (issue 12)', () => {
  const read = (error: unknown) => {
    const parsed = ResultSchema.safeParse({ ok: false, error });
    if (!parsed.success) throw new Error(parsed.error.message);
    return toResult(parsed.data);
  };

  it('keeps a known code and structured issues as they are', () => {
    expect(
      read({
        code: 'invalid_input',
        message: 'Invalid spec',
        issues: [{ path: 'sources.0.model', message: 'too small' }],
      }),
    ).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Invalid spec',
        issues: [{ path: 'sources.0.model', message: 'too small' }],
      },
    });
  });

  it('reads a code it does not know as internal, keeping the message', () => {
    expect(read({ code: 'quota_exceeded', message: 'Too many experiments.' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Too many experiments.' },
    });
    // The codes of before issue 12 are strangers too.
    expect(read({ code: 'ipc_failed', message: 'gone' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'gone' },
    });
  });

  it('keeps an older server’s issue lines whole, at the input as a whole', () => {
    expect(
      read({ code: 'invalid_input', message: 'Bad', issues: ['seeds: too many', 'plain'] }),
    ).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'Bad',
        issues: [
          { path: '', message: 'seeds: too many' },
          { path: '', message: 'plain' },
        ],
      },
    });
  });

  it('refuses an error without a code or message, or with malformed issues', () => {
    const frame = (error: unknown) =>
      ServerFrameSchema.safeParse({ kind: 'response', id: 1, result: { ok: false, error } })
        .success;
    expect(frame({ code: 'internal', message: 'm' })).toBe(true);
    expect(frame({ message: 'm' })).toBe(false);
    expect(frame({ code: 7, message: 'm' })).toBe(false);
    expect(frame({ code: 'internal', message: 'm', issues: [{ path: 1, message: 'x' }] })).toBe(
      false,
    );
    expect(frame({ code: 'internal', message: 'm', issues: 'a: b' })).toBe(false);
  });
});

describe('the preload bridge transport', () => {
  const bridgeWith = (answer: () => Promise<unknown>): Record<string, unknown> => ({
    ...Object.fromEntries(RPC_METHODS.map((m) => [m, answer])),
    onEvent: () => () => undefined,
  });

  it('reports a call that never reached the core as a transport failure', async () => {
    const transport = bridgeTransport(bridgeWith(() => Promise.reject(new Error('IPC closed'))));
    await expect(transport?.call('app.info', {})).resolves.toEqual({
      ok: false,
      error: { code: 'transport', message: 'IPC closed' },
    });
  });

  it('parses what the bridge answers like any frame', async () => {
    const transport = bridgeTransport(
      bridgeWith(() =>
        Promise.resolve({ ok: false, error: { code: 'busy', message: 'later', issues: [] } }),
      ),
    );
    await expect(transport?.call('app.info', {})).resolves.toEqual({
      ok: false,
      error: { code: 'busy', message: 'later', issues: [] },
    });
    const malformed = bridgeTransport(bridgeWith(() => Promise.resolve({ ok: 'yes' })));
    await expect(malformed?.call('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_frame' },
    });
  });
});
