import { describe, expect, it } from 'vitest';
import {
  busyFrame,
  eventFrame,
  handleFrame,
  peekRequestId,
  serializeFrame,
  UNKNOWN_REQUEST_ID,
} from '../../../src-main/transports/wsFrames';
import { fakeBackend } from './fakeBackend';

describe('handleFrame', () => {
  const { handlers } = fakeBackend();

  it('runs a valid request and echoes its id', async () => {
    const frame = await handleFrame(
      handlers,
      JSON.stringify({ id: 0, method: 'runs.list', input: {} }),
    );
    expect(frame).toEqual({ kind: 'response', id: 0, result: { ok: true, value: [] } });
  });

  it('turns every bad frame into an error response', async () => {
    const cases: [string | null, number][] = [
      [null, UNKNOWN_REQUEST_ID],
      ['', UNKNOWN_REQUEST_ID],
      ['{', UNKNOWN_REQUEST_ID],
      ['null', UNKNOWN_REQUEST_ID],
      ['"app.info"', UNKNOWN_REQUEST_ID],
      [JSON.stringify({ id: -3, method: 'app.info' }), UNKNOWN_REQUEST_ID],
      [JSON.stringify({ id: 1.5, method: 'app.info' }), UNKNOWN_REQUEST_ID],
      [JSON.stringify({ id: 2, method: 42 }), 2],
      [JSON.stringify({ id: 3, method: 'x'.repeat(101) }), 3],
    ];
    for (const [text, id] of cases) {
      const frame = await handleFrame(handlers, text);
      expect(frame, String(text)).toMatchObject({
        kind: 'response',
        id,
        result: { ok: false, error: { code: 'bad_frame' } },
      });
    }
  });

  it('reports invalid input with issues', async () => {
    const frame = await handleFrame(
      handlers,
      JSON.stringify({ id: 4, method: 'runs.list', input: { limit: 0 } }),
    );
    expect(frame).toMatchObject({
      id: 4,
      result: {
        ok: false,
        error: { code: 'invalid_input', issues: [{ path: 'limit' }] },
      },
    });
  });
});

describe('serializeFrame', () => {
  it('writes NaN and infinities as null', () => {
    const text = serializeFrame({
      kind: 'response',
      id: 1,
      result: { ok: true, value: { a: Number.NaN, b: [Number.NEGATIVE_INFINITY, 2] } },
    });
    expect(text).toBe(
      '{"kind":"response","id":1,"result":{"ok":true,"value":{"a":null,"b":[null,2]}}}',
    );
  });

  it('turns an unserializable result into an internal error and drops such an event', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const text = serializeFrame({
      kind: 'response',
      id: 9,
      result: { ok: true, value: { n: 1n } },
    });
    expect(JSON.parse(text ?? '')).toMatchObject({
      id: 9,
      result: { ok: false, error: { code: 'internal' } },
    });
    expect(
      serializeFrame({ kind: 'response', id: 9, result: { ok: true, value: cyclic } }),
    ).toContain('"internal"');
    const event = eventFrame({ type: 'experiment.created', experimentId: 1 });
    expect(serializeFrame(event)).toBe(
      '{"kind":"event","event":{"type":"experiment.created","experimentId":1}}',
    );
    expect(serializeFrame({ kind: 'event', event: cyclic as never })).toBeNull();
  });
});

describe('busy answers (issue 11)', () => {
  it('read the id of a request without running it', () => {
    const cases: [string | null, number][] = [
      // The client's own layout: the id is read from the first characters.
      [JSON.stringify({ id: 0, method: 'app.info', input: {} }), 0],
      [JSON.stringify({ id: 1234, method: 'runs.list', input: { limit: 5 } }), 1234],
      [' {\n "id" : 7 }', 7],
      // Any other layout is parsed.
      [JSON.stringify({ method: 'app.info', input: {}, id: 42 }), 42],
      ['{"id":1.5,"method":"app.info"}', UNKNOWN_REQUEST_ID],
      ['{"id":1e3,"method":"app.info"}', 1000],
      ['{"id":-2,"method":"app.info"}', UNKNOWN_REQUEST_ID],
      ['{"id":"3","method":"app.info"}', UNKNOWN_REQUEST_ID],
      [`{"id":${'9'.repeat(17)},"method":"app.info"}`, UNKNOWN_REQUEST_ID],
      ['{not json', UNKNOWN_REQUEST_ID],
      ['[1]', UNKNOWN_REQUEST_ID],
      [null, UNKNOWN_REQUEST_ID],
    ];
    for (const [text, id] of cases) expect(peekRequestId(text), String(text)).toBe(id);
  });

  it('carry the request id and a retry hint; a frame without an id is a bad frame', () => {
    const text = JSON.stringify({ id: 5, method: 'app.info', input: {} });
    expect(busyFrame(text, 4, 50)).toEqual({
      kind: 'response',
      id: 5,
      result: {
        ok: false,
        error: { code: 'busy', message: expect.stringContaining('4') as unknown },
      },
      retryAfterMs: 50,
    });
    expect(busyFrame('{not json', 4, 50)).toEqual({
      kind: 'response',
      id: UNKNOWN_REQUEST_ID,
      result: { ok: false, error: { code: 'bad_frame', message: expect.any(String) as unknown } },
    });
    expect(busyFrame(null, 4, 50)).toMatchObject({ id: UNKNOWN_REQUEST_ID });
  });
});
