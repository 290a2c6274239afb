import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronCheck } from '../../../scripts/start';
import { projectRoot } from '../../../src-main/core/paths';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** A root whose electron package has (or lacks) path.txt and the binary it names. */
function root(options: { pathTxt?: string; binary?: boolean }): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), '{"name":"fake"}');
  const electron = join(dir, 'node_modules', 'electron');
  mkdirSync(join(electron, 'dist'), { recursive: true });
  writeFileSync(join(electron, 'package.json'), '{"name":"electron","version":"45.0.0"}');
  if (options.pathTxt !== undefined) writeFileSync(join(electron, 'path.txt'), options.pathTxt);
  if (options.binary === true) writeFileSync(join(electron, 'dist', 'electron'), '');
  return dir;
}

describe('electronCheck', () => {
  it('says the binary is missing here, without trying to download it', () => {
    const check = electronCheck(projectRoot(), { DISPLAY: ':0' }, 'linux');
    expect(check).toEqual({
      ok: false,
      reason: "Electron's binary is not installed (it cannot be downloaded here)",
    });
  });

  it('needs the file path.txt names', () => {
    const check = electronCheck(root({ pathTxt: 'electron' }), { DISPLAY: ':0' }, 'linux');
    expect(check.ok).toBe(false);
    expect(check).toMatchObject({ reason: expect.stringMatching(/binary is missing/) as unknown });
  });

  it('needs a display on Linux only', () => {
    const dir = root({ pathTxt: 'electron', binary: true });
    expect(electronCheck(dir, {}, 'linux')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no display/) as unknown,
    });
    expect(electronCheck(dir, { DISPLAY: ':99' }, 'linux')).toEqual({
      ok: true,
      binary: join(dir, 'node_modules/electron/dist/electron'),
    });
    expect(electronCheck(dir, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toMatchObject({
      ok: true,
    });
    expect(electronCheck(dir, {}, 'darwin')).toMatchObject({ ok: true });
  });

  it('reports a missing electron package', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{"name":"fake"}');
    expect(electronCheck(dir, { DISPLAY: ':0' }, 'linux')).toMatchObject({ ok: false });
  });
});
