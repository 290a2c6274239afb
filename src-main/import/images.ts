import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { resizeRows } from '../data/resize';
import { MAX_CLASSES, MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from './limits';
import { plainReport, type ReadOutcome } from './types';
import type { ArraysWriter } from './writer';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface ImageFolderOptions {
  width: number;
  height: number;
  color: 'grayscale' | 'rgb';
}

/** An image folder as listImageFolder reads it. */
export interface ImageFolderListing {
  classes: { name: string; files: string[] }[];
  /** Files in class folders that are not PNG/JPEG (`class/notes.txt`). */
  skipped: string[];
  /** Hidden folders at the top (a leading dot: `.git`, `..%2f..%2fx`), not read as classes. */
  hiddenFolders: string[];
  /** Other top-level entries that are not folders (a loose image, a link), not read either. */
  notFolders: string[];
}

/**
 * A folder of class subfolders: each class's image files, sorted, and what was left out. Hidden
 * folders are left out (tool folders like `.git` or `.ipynb_checkpoints` are no classes) but
 * listed, like everything else left out, so that the report names them (issue 11: a class folder
 * named `..%2f..%2fx` vanished without a word). Hidden files are left out unlisted (`.DS_Store`).
 */
export async function listImageFolder(root: string): Promise<ImageFolderListing> {
  const top = await readdir(root, { withFileTypes: true });
  const visible = top.filter((e) => !e.name.startsWith('.'));
  const entries = visible
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const hiddenFolders = top
    .filter((e) => e.isDirectory() && e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const notFolders = visible
    .filter((e) => !e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (entries.length < 2) {
    const hidden =
      hiddenFolders.length > 0 ? ` (hidden folders left out: ${quoted(hiddenFolders)})` : '';
    throw new Error(
      `${root}: ${entries.length} class subfolder(s)${hidden}; an image folder needs one subfolder per class, at least 2`,
    );
  }
  if (entries.length > MAX_CLASSES)
    throw new Error(`${root}: ${entries.length} subfolders; at most ${MAX_CLASSES} classes`);
  const skipped: string[] = [];
  const classes = await Promise.all(
    entries.map(async (name) => {
      const files: string[] = [];
      for (const e of await readdir(join(root, name), { withFileTypes: true })) {
        if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
          files.push(join(root, name, e.name));
        else if (!e.name.startsWith('.')) skipped.push(join(name, e.name));
      }
      if (files.length === 0)
        throw new Error(`${join(root, name)}: no PNG or JPEG images in this class folder`);
      return { name, files: files.sort() };
    }),
  );
  return { classes, skipped: skipped.sort(), hiddenFolders, notFolders };
}

/**
 * The warnings for what an image folder's import leaves out: the import's report says `Skipped`,
 * the inspection before it `Will skip`. The file warning comes first, as before.
 */
export function leftOutWarnings(
  listing: ImageFolderListing,
  verb: 'Skipped' | 'Will skip' = 'Skipped',
): string[] {
  const { skipped, hiddenFolders, notFolders } = listing;
  const warnings: string[] = [];
  if (skipped.length > 0) {
    warnings.push(
      `${verb} ${skipped.length} file(s) that are not .png/.jpg/.jpeg: ${firstFew(skipped)}`,
    );
  }
  if (hiddenFolders.length > 0) {
    warnings.push(
      `${verb} ${hiddenFolders.length} hidden folder(s), not imported as classes: ` +
        `${quoted(hiddenFolders)}; a name starting with "." hides a folder: rename it to import it as a class`,
    );
  }
  if (notFolders.length > 0) {
    warnings.push(
      `${verb} ${notFolders.length} file(s) or link(s) beside the class folders, in no class: ` +
        `${quoted(notFolders)}; move images into a class subfolder to import them`,
    );
  }
  return warnings;
}

function firstFew(names: readonly string[]): string {
  return `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;
}

/** Names in quotes, control characters escaped (JSON's), so that an odd name reads as it is. */
function quoted(names: readonly string[]): string {
  return firstFew(names.map((n) => JSON.stringify(n)));
}

/**
 * Decodes a PNG or JPEG (told by its first bytes, not its name) to RGB values 0..255, [h, w, 3].
 * The dimensions are checked against MAX_IMAGE_PIXELS before the pixels are decoded (PNG: its
 * IHDR; JPEG: jpeg-js's own resolution and memory limits). Transparent pixels are composited
 * over black.
 */
export function decodeImage(
  bytes: Buffer,
  where: string,
): { pixels: Float32Array; height: number; width: number } {
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    if (bytes.length < 24) throw new Error(`${where}: truncated PNG (${bytes.length} bytes)`);
    width = bytes.readUInt32BE(16);
    height = bytes.readUInt32BE(20);
    checkPixels(width, height, where);
    try {
      rgba = PNG.sync.read(bytes).data;
    } catch (e) {
      throw new Error(`${where}: not a valid PNG: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    try {
      const decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1024 ** 2,
        maxMemoryUsageInMB: 1024,
      });
      rgba = decoded.data;
      width = decoded.width;
      height = decoded.height;
    } catch (e) {
      throw new Error(`${where}: not a valid JPEG: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    checkPixels(width, height, where);
  } else {
    throw new Error(
      `${where}: neither a PNG nor a JPEG (byte 0 is 0x${(bytes[0] ?? 0).toString(16)})`,
    );
  }
  if (rgba.length !== width * height * 4)
    throw new Error(`${where}: decoded ${rgba.length} bytes for ${width}×${height} RGBA`);
  const pixels = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const alpha = (rgba[4 * p + 3] ?? 255) / 255;
    pixels[3 * p] = (rgba[4 * p] ?? 0) * alpha;
    pixels[3 * p + 1] = (rgba[4 * p + 1] ?? 0) * alpha;
    pixels[3 * p + 2] = (rgba[4 * p + 2] ?? 0) * alpha;
  }
  return { pixels, height, width };
}

function checkPixels(width: number, height: number, where: string): void {
  if (width < 1 || height < 1 || width * height > MAX_IMAGE_PIXELS) {
    throw new Error(`${where}: ${width}×${height} pixels; 1 to ${MAX_IMAGE_PIXELS} are accepted`);
  }
}

/**
 * Imports an image folder (one subfolder per class, classes numbered in sorted order): every
 * PNG/JPEG decoded, resized to width × height with the engine's bilinear resize (the same
 * arithmetic as the input adapters, data/resize.ts), as grey (BT.601 luma) or RGB.
 * Pixels are stored as 0..255 and train divided by 255.
 */
export async function readImageFolder(
  root: string,
  options: ImageFolderOptions,
  newWriter: (featureShape: number[]) => ArraysWriter,
): Promise<ReadOutcome> {
  const listing = await listImageFolder(root);
  const classes = listing.classes;
  const channels = options.color === 'rgb' ? 3 : 1;
  const featureShape =
    channels === 1 ? [options.height, options.width] : [options.height, options.width, 3];
  const writer = newWriter(featureShape);
  for (const [label, cls] of classes.entries()) {
    for (const file of cls.files) {
      const { size } = await stat(file);
      if (size > MAX_IMAGE_FILE_BYTES)
        throw new Error(`${file}: ${size} bytes; at most ${MAX_IMAGE_FILE_BYTES} per image`);
      const image = decodeImage(await readFile(file), file);
      const resized = resizeRows(image.pixels, 1, {
        kind: 'resize',
        from: [image.height, image.width, 3],
        to: [options.height, options.width, channels],
        method: 'bilinear',
        channels: channels === 1 ? 'rgb-to-grey' : 'same',
      });
      writer.push(resized, label);
    }
  }
  const warnings = leftOutWarnings(listing);
  return {
    report: {
      ...plainReport(writer.rows, warnings),
      labelMap: classes.map((c, label) => ({ original: c.name, label })),
    },
    classNames: classes.map((c) => c.name),
    scale: 255,
    standardize: false,
  };
}
