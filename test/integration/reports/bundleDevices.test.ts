import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, openCliCore } from '../../../src-main/cli/session';
import { BundleSchema } from '../../../src-main/reports/bundleSchema';
import { openDb } from '../../../src-main/store/db';
import { getRun } from '../../../src-main/store/runs';
import { LAVAPIPE_DEVICE, H100_DEVICE } from '../../helpers/runDevices';
import { useTempDirs } from '../../helpers/tempDir';
import { reportWorkspace } from './workspace';

const tempDir = useTempDirs();

/**
 * Issue 15: a bundle carries the device each run recorded, as recorded, into another workspace;
 * a run recorded before devices were (no `device` in its environment) still imports, without one.
 */
describe('bundles and the device each run computed on', () => {
  it('carry environment.device through export and import, and import runs without one', async () => {
    const ws = await reportWorkspace(tempDir());
    const target = tempDir();
    const core = await openCliCore(target, 'none');
    const db = openDb(join(target, 'transferlab.sqlite'));
    try {
      // The workspace's runs recorded a CPU environment without a device (as before issue 15);
      // two of them now say they ran on lavapipe and on an H100.
      const [onLavapipe = 0, onH100 = 0] = ws.runIds.slice(1);
      const withDevice = ws.db.prepare(
        `UPDATE runs SET backend = 'webgpu',
           environment = json_set(environment, '$.backend', 'webgpu', '$.device', json(?))
         WHERE id = ?`,
      );
      withDevice.run(JSON.stringify(LAVAPIPE_DEVICE), onLavapipe);
      withDevice.run(JSON.stringify(H100_DEVICE), onH100);
      expect(getRun(ws.db, onLavapipe)?.environment?.device).toEqual(LAVAPIPE_DEVICE);

      const file = await call(ws.core, 'reports.create', {
        compare: { selection: { experimentIds: [ws.experimentId] } },
        format: 'json',
      });
      const path = join(tempDir(), file.fileName);
      writeFileSync(path, file.content);
      const bundle = BundleSchema.parse(JSON.parse(file.content));
      const devices = bundle.runs.map((r) => r.environment?.device ?? null);
      expect(devices.filter((d) => d !== null)).toEqual([LAVAPIPE_DEVICE, H100_DEVICE]);
      // The runs without a device are in the bundle as they were: no device made up.
      expect(devices.filter((d) => d === null)).toHaveLength(ws.runIds.length - 2);

      const result = await call(core, 'bundles.import', { file: { kind: 'path', path } });
      const imported = result.runIds.map((id) => getRun(db, id));
      const original = ws.runIds.map((id) => getRun(ws.db, id));
      expect(imported.map((r) => r?.environment)).toEqual(original.map((r) => r?.environment));
      expect(imported.map((r) => r?.device?.label ?? null)).toEqual(
        original.map((r) => r?.device?.label ?? null),
      );
      expect(imported.filter((r) => r?.device?.kind === 'software-gpu')).toHaveLength(1);
      expect(imported.filter((r) => r?.backend === 'webgpu')).toHaveLength(2);
      // The imported runs answer the Runs query's device filter like the originals.
      const page = await call(core, 'runs.query', {
        textFilters: [{ field: 'device', values: ['llvmpipe'] }],
      });
      expect(page.rows.map((r) => r.device)).toEqual([LAVAPIPE_DEVICE]);
    } finally {
      db.close();
      await core.close();
      await ws.close();
    }
  });
});
