import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src-main/cli/session';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { uploadsDir } from '../../../src-main/core/paths';
import { startServer, type RunningServer } from '../../../src-main/transports/wsServer';
import type { UploadFolderRef } from '../../../src-shared/rpc/datasets';
import { imageBytes } from '../../helpers/datasetFiles';
import { useTempDirs } from '../../helpers/tempDir';

/**
 * A browser's image folder end to end below the UI: each PNG through `POST /api/uploads` of a
 * real server on a real core, then 'datasets.inspect' and 'datasets.import' with the
 * 'upload-folder' ref the page sends.
 */
const tempDir = useTempDirs();
const open: { core: Core; server: RunningServer }[] = [];
afterEach(async () => {
  for (const { core, server } of open.splice(0)) {
    await server.close();
    await core.close();
  }
});

async function workbench(): Promise<{ core: Core; server: RunningServer; uploads: string }> {
  const dir = tempDir();
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  const uploads = uploadsDir(dir);
  const server = await startServer({ core, port: 0, staticDir: tempDir(), uploadsDir: uploads });
  open.push({ core, server });
  return { core, server, uploads };
}

function upload(server: RunningServer, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/uploads',
        method: 'POST',
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 201) reject(new Error(`upload: ${res.statusCode} ${text}`));
          else resolve((JSON.parse(text) as { id: string }).id);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Two classes of tiny PNGs (black and white, 3 each), uploaded one by one. */
async function uploadShapes(server: RunningServer): Promise<UploadFolderRef> {
  const files: UploadFolderRef['files'] = [];
  for (const [cls, rgb] of [
    ['black', [0, 0, 0]],
    ['white', [255, 255, 255]],
  ] as const) {
    for (let i = 0; i < 3; i++) {
      const id = await upload(server, imageBytes('png', 5 + i, 4, [...rgb]));
      files.push({ id, path: `${cls}/${i}.png` });
    }
  }
  return { kind: 'upload-folder', name: 'shapes', files };
}

describe("an image folder uploaded file by file ('upload-folder')", () => {
  it('inspects (keeping the uploads), imports, previews, and leaves no uploads', async () => {
    const { core, server, uploads } = await workbench();
    const ref = await uploadShapes(server);
    const inspected = await call(core, 'datasets.inspect', { file: ref });
    expect(inspected).toMatchObject({
      format: 'image-folder',
      rows: 6,
      classes: [
        { label: 'black', count: 3 },
        { label: 'white', count: 3 },
      ],
    });
    expect(readdirSync(uploads)).toHaveLength(6);

    const imported = await call(core, 'datasets.import', {
      file: ref,
      options: { format: 'image-folder', width: 4, height: 4, color: 'grayscale' },
    });
    expect(imported.dataset).toMatchObject({
      name: 'shapes',
      samples: 6,
      featureShape: [4, 4],
      classes: [0, 1],
    });
    expect(imported.report.labelMap).toEqual([
      { original: 'black', label: 0 },
      { original: 'white', label: 1 },
    ]);
    const preview = await call(core, 'datasets.preview', { id: imported.dataset.id, perClass: 1 });
    if (preview.kind !== 'image') throw new Error('expected an image preview');
    expect(preview.samples.map((s) => Math.round(s.pixels[0]?.[0] ?? -1))).toEqual([0, 1]);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('refuses other formats, and a failed import still removes the uploads', async () => {
    const { core, server, uploads } = await workbench();
    const ref = await uploadShapes(server);
    await expect(
      call(core, 'datasets.inspect', { file: ref, format: 'csv' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/image-folder/) as unknown,
    });
    await expect(
      call(core, 'datasets.import', { file: ref, options: { format: 'json', labelKey: 'label' } }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'upload', id: ref.files[0]?.id ?? '', name: 'x.npy' },
        options: { format: 'npy', labels: ref },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(readdirSync(uploads)).toHaveLength(6);

    // One class only: the reader refuses, and the uploads go all the same.
    const oneClass: UploadFolderRef = { ...ref, files: ref.files.slice(0, 3) };
    await expect(
      call(core, 'datasets.import', {
        file: oneClass,
        options: { format: 'image-folder', width: 4, height: 4, color: 'grayscale' },
      }),
    ).rejects.toThrow(/^Import refused: shapes: 1 class subfolder/);
    expect(readdirSync(uploads)).toHaveLength(3);
    expect(existsSync(uploads) && readdirSync(uploads).some((n) => n.startsWith('.'))).toBe(false);
  });

  it('refuses a path that climbs out at the contract', async () => {
    const { core, server } = await workbench();
    const id = await upload(server, imageBytes('png', 2, 2, [0, 0, 0]));
    await expect(
      call(core, 'datasets.inspect', {
        file: { kind: 'upload-folder', name: 'x', files: [{ id, path: '../../a.png' }] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
