import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppFailure,
  distinctIssues,
  ERROR_CODES,
  formatIssue,
  isErrorCode,
  issuesFromZod,
  issueUnder,
  joinPath,
  toAppError,
} from '../../../src-shared/result';

describe('issues (issue 12)', () => {
  it('turns a zod error into issues at dotted paths, optionally under a prefix', () => {
    const schema = z
      .object({ sources: z.array(z.object({ model: z.string() })), name: z.string() })
      .strict();
    const parsed = schema.safeParse({ sources: [{ model: 3 }], name: 'n', extra: true });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(issuesFromZod(parsed.error)).toEqual([
      { path: 'sources.0.model', message: expect.stringMatching(/expected string/) as unknown },
      { path: '', message: 'Unrecognized key: "extra"' },
    ]);
    expect(issuesFromZod(parsed.error, 'spec').map((i) => i.path)).toEqual([
      'spec.sources.0.model',
      'spec',
    ]);
  });

  it('formats an issue as `path: message`, or the message alone for the whole input', () => {
    expect(formatIssue({ path: 'strategies.1.params.l2sp', message: 'Too big' })).toBe(
      'strategies.1.params.l2sp: Too big',
    );
    expect(formatIssue({ path: '', message: 'Not an object' })).toBe('Not an object');
  });

  it('joins paths and nests issues, skipping empty parts', () => {
    expect(joinPath('strategies', 0, '', 'params')).toBe('strategies.0.params');
    expect(joinPath()).toBe('');
    expect(issueUnder('sources.1', { path: 'transform.rotateDeg', message: 'm' })).toEqual({
      path: 'sources.1.transform.rotateDeg',
      message: 'm',
    });
    expect(issueUnder('sources.1', { path: '', message: 'm' })).toEqual({
      path: 'sources.1',
      message: 'm',
    });
  });

  it('keeps each issue once, in order', () => {
    const a = { path: 'a', message: 'x' };
    const b = { path: 'a', message: 'y' };
    // `a: x` and `a: x` are one issue; `a.b: c` and `a: b: c` read alike but are not.
    expect(
      distinctIssues([
        a,
        b,
        { ...a },
        { path: 'a.b', message: 'c' },
        { path: 'a', message: 'b: c' },
      ]),
    ).toEqual([a, b, { path: 'a.b', message: 'c' }, { path: 'a', message: 'b: c' }]);
  });
});

describe('error codes', () => {
  it('knows every code and refuses others', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(isErrorCode('transport')).toBe(true);
    expect(isErrorCode('ipc_failed')).toBe(false);
    expect(isErrorCode('ipc')).toBe(false);
  });

  it('carries a failure’s code and issues into an AppError, anything else as internal', () => {
    const issues = [{ path: 'name', message: 'taken' }];
    expect(toAppError(new AppFailure('conflict', 'Taken.', issues))).toEqual({
      code: 'conflict',
      message: 'Taken.',
      issues,
    });
    expect(toAppError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toAppError('odd')).toEqual({ code: 'internal', message: 'odd' });
  });
});
