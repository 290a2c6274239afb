import { describe, expect, it } from 'vitest';
import { chosenFolderPath } from '../../../src-renderer/api/files';
import {
  parseUploadAnswer,
  uploadError,
  uploadHeaders,
  uploadUrl,
} from '../../../src-renderer/api/uploadAnswer';
import {
  classDistributionConfig,
  formatEdge,
  histogramConfig,
} from '../../../src-renderer/lib/barChart';
import { toRgba } from '../../../src-renderer/lib/pixels';

describe('sending files to the core', () => {
  it('uploads to the page’s own server with the token as a bearer header', () => {
    expect(uploadUrl({ protocol: 'http:', host: '127.0.0.1:5199' })).toBe(
      'http://127.0.0.1:5199/api/uploads',
    );
    expect(uploadHeaders('a+b')).toEqual({
      'Content-Type': 'application/octet-stream',
      Authorization: 'Bearer a+b',
    });
    expect(uploadHeaders(null)).toEqual({ 'Content-Type': 'application/octet-stream' });
  });

  it('turns the upload answer into a FileRef, or the server’s reason', () => {
    const id = 'a'.repeat(32);
    expect(parseUploadAnswer(201, JSON.stringify({ id }), 'x.csv')).toEqual({
      ok: true,
      value: { kind: 'upload', id, name: 'x.csv' },
    });
    expect(parseUploadAnswer(200, '{"id":"../etc"}', 'x.csv').ok).toBe(false);
    const refused = parseUploadAnswer(413, '', 'big.csv');
    expect(refused.ok ? '' : refused.error.message).toBe(
      'Could not upload "big.csv": the file is larger than the server accepts.',
    );
    expect(uploadError(400, JSON.stringify({ error: { message: 'empty body' } }))).toBe(
      'empty body',
    );
    expect(uploadError(401, JSON.stringify({ error: 'Missing or wrong token' }))).toBe(
      'Missing or wrong token',
    );
    expect(uploadError(401, 'Unauthorized')).toBe('the server refused the access token');
  });

  it('finds the chosen folder from a file inside it', () => {
    expect(chosenFolderPath('/home/a/shapes/circle/1.png', 'shapes/circle/1.png')).toBe(
      '/home/a/shapes',
    );
    expect(chosenFolderPath('C:\\data\\shapes\\circle\\1.png', 'shapes/circle/1.png')).toBe(
      'C:\\data\\shapes',
    );
    expect(chosenFolderPath('/x/1.png', 'other/y/1.png')).toBeNull();
    expect(chosenFolderPath('/x/1.png', '1.png')).toBeNull();
  });
});

describe('preview drawing', () => {
  it('turns grayscale and RGB pixels into RGBA bytes, clamping', () => {
    expect(Array.from(toRgba([0, 1, 0.5, 2], [2, 2, 1]))).toEqual([
      0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 255, 255, 255, 255,
    ]);
    expect(Array.from(toRgba([1, 0, 0.5], [1, 1, 3]))).toEqual([255, 0, 128, 255]);
  });

  it('charts histograms and class counts with the relabelling', () => {
    const h = histogramConfig({ feature: 'f', edges: [0, 0.5, 1], counts: [3, 4] });
    expect(h.values).toEqual([3, 4]);
    expect(h.tooltips?.[1]).toBe('f: [0.5, 1) · 4');
    expect(formatEdge(123456)).toBe('1.2e+5');
    const counts = [
      { label: 3, count: 10 },
      { label: 5, count: 20 },
      { label: 8, count: 30 },
    ];
    const c = classDistributionConfig(counts, [5, 3]);
    expect(c.categories).toEqual(['3→1', '5→0', '8']);
    expect(c.muted).toEqual([false, false, true]);
    expect(classDistributionConfig(counts, null).categories).toEqual(['3', '5', '8']);
  });
});
