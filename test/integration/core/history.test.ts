import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { dispatch } from '../../../src-main/transports/dispatch';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('History through the core', () => {
  it('answers runs.query and runs.update through dispatch, as every transport calls them', async () => {
    const core = await openCore({
      workspaceDir: tempDir(),
      transport: 'in-process',
      queue: 'none',
    });
    try {
      expect(await dispatch(core.handlers, 'runs.query', {})).toEqual({
        ok: true,
        value: { rows: [], total: 0 },
      });
      const missing = await dispatch(core.handlers, 'runs.update', { id: 5, notes: 'x' });
      expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'No run #5.' } });
      const bad = await dispatch(core.handlers, 'runs.query', { limit: 501 });
      expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
    } finally {
      await core.close();
    }
  });
});
