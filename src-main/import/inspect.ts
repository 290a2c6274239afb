import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import type { InspectInputSchema, InspectResult } from '../../src-shared/rpc/datasets';
import { AppFailure } from '../../src-shared/result';
import { parseIdxHeader, type IdxHeader } from '../data/idx';
import { columnInfo, detectLayout, scanCsv, suggestLabel, type CsvScan } from './csv/scan';
import { detectFormat } from './detect';
import { listFiles, resolveFileRef, type LocalFile } from './files';
import { decodeImage, leftOutWarnings, listImageFolder } from './images';
import { parseJsonFile } from './json';
import { MAX_ARRAY_BYTES } from './limits';
import { readNpyHeader } from './npy';
import { withUploadFolder } from './uploadFolder';

export type InspectInput = z.infer<typeof InspectInputSchema>;

/**
 * 'datasets.inspect': what the import dialog shows before anything is stored: the format (given
 * or guessed), the rows, the columns with their kinds and missing cells (CSV, JSON records), the
 * shape of a row and the classes found. Reads headers only where the format has them (IDX, NPY);
 * a CSV is scanned in full (streaming) so the missing-value counts are the real ones.
 */
export async function inspectFile(input: InspectInput, uploadsDir: string): Promise<InspectResult> {
  const ref = input.file;
  if (ref.kind !== 'upload-folder')
    return inspectLocal(input, await resolveFileRef(ref, uploadsDir));
  if (input.format !== undefined && input.format !== 'image-folder') {
    throw new AppFailure(
      'invalid_input',
      `"${ref.name}" is an uploaded folder: only the image-folder format reads a folder, not ${input.format}`,
    );
  }
  // The uploads stay: the import that follows the inspection needs them.
  return withUploadFolder(ref, uploadsDir, 'keep', (folder) =>
    inspectLocal({ ...input, format: 'image-folder' }, folder),
  );
}

async function inspectLocal(input: InspectInput, file: LocalFile): Promise<InspectResult> {
  const format = input.format ?? (await detectFormat(file.path, file.name));
  try {
    switch (format) {
      case 'csv': {
        const layout = await detectLayout(
          file.path,
          input.delimiter ?? 'auto',
          input.header ?? 'auto',
        );
        const scan = await scanCsv(file.path, layout);
        const columns = columnInfo(scan);
        return {
          format,
          bytes: (await stat(file.path)).size,
          csv: { delimiter: scan.delimiter, header: scan.header },
          columns,
          suggestedLabel: suggestLabel(scan.names),
          rows: scan.rows,
          head: scan.head,
          warnings: [
            ...columns
              .filter((c) => c.missing > 0)
              .map((c) => `Column "${c.name}" has ${c.missing} missing value(s)`),
            ...nonFiniteWarnings(scan),
          ],
        };
      }
      case 'idx': {
        const header = await idxHeaderOf(file.path);
        const [rows = 0, ...featureShape] = header.shape;
        return {
          format,
          bytes: (await stat(file.path)).size,
          rows,
          featureShape,
          warnings:
            featureShape.length === 0
              ? ['This is a rank-1 IDX array (labels?); import the images file with it as --labels']
              : [],
        };
      }
      case 'npy': {
        const handle = await open(file.path, 'r');
        try {
          const header = await readNpyHeader(handle, file.path);
          const [rows = 0, ...featureShape] = header.shape;
          return {
            format,
            bytes: (await handle.stat()).size,
            rows,
            featureShape,
            warnings: [
              `Element type '${header.descr}'`,
              ...(featureShape.length === 0
                ? ['A 1-D array (labels?); import the features .npy with it as labels']
                : []),
            ],
          };
        } finally {
          await handle.close();
        }
      }
      case 'json': {
        const table = await parseJsonFile(file.path, 'label');
        const counts = new Map<string, number>();
        for (const label of table.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
        const names = table.featureNames ? [...table.featureNames, 'label'] : undefined;
        return {
          format,
          bytes: (await stat(file.path)).size,
          rows: table.rows.length,
          featureShape: table.featureShape,
          ...(names
            ? {
                columns: names.map((name, index) => ({
                  index,
                  name,
                  kind:
                    index === names.length - 1 && table.labels.some((l) => Number.isNaN(Number(l)))
                      ? 'categorical'
                      : 'numeric',
                  missing: 0,
                  distinct:
                    index === names.length - 1
                      ? Math.min(counts.size, 1001)
                      : distinctCount(table.rows, index),
                })),
                suggestedLabel: suggestLabel(names),
                head: table.rows
                  .slice(0, 20)
                  .map((row, i) => [...[...row].map(String), table.labels[i] ?? '']),
              }
            : {}),
          classes: [...counts].sort().map(([label, count]) => ({ label, count })),
          warnings: [],
        };
      }
      case 'image-folder': {
        const listing = await listImageFolder(file.path);
        const classes = listing.classes;
        const files = await listFiles(file.path);
        const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
        const firstFile = classes[0]?.files[0];
        const first = firstFile ? decodeImage(await readFile(firstFile), firstFile) : undefined;
        return {
          format,
          bytes: sizes.reduce((a, b) => a + b, 0),
          rows: classes.reduce((sum, c) => sum + c.files.length, 0),
          ...(first ? { featureShape: [first.height, first.width, 3] } : {}),
          classes: classes.map((c) => ({ label: c.name, count: c.files.length })),
          warnings: leftOutWarnings(listing, 'Will skip'),
        };
      }
    }
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw new AppFailure('invalid_input', e instanceof Error ? e.message : String(e));
  }
}

function distinctCount(rows: Float32Array[], column: number): number {
  const seen = new Set<number>();
  for (const row of rows) {
    seen.add(row[column] ?? 0);
    if (seen.size > 1000) break;
  }
  return seen.size;
}

/** The header of an IDX file (gzipped or not), reading only as far as it goes. */
async function idxHeaderOf(path: string): Promise<IdxHeader> {
  const handle = await open(path, 'r');
  const magic = new Uint8Array(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  let pending = new Uint8Array(0);
  let header: IdxHeader | null = null;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      const next = new Uint8Array(pending.length + chunk.length);
      next.set(pending);
      next.set(chunk, pending.length);
      pending = next;
      header = parseIdxHeader(pending, { maxBytes: MAX_ARRAY_BYTES });
      if (header !== null || pending.length > 1024) return;
    }
  };
  const read = createReadStream(path, { highWaterMark: 4096 });
  try {
    if (magic[0] === 0x1f && magic[1] === 0x8b) await pipeline(read, createGunzip(), sink);
    else await pipeline(read, sink);
  } catch (e) {
    // Stopping early makes pipeline report a premature close; only a real error matters.
    if ((header as IdxHeader | null) === null) {
      throw new Error(
        `${path}: cannot read an IDX header from its first ${pending.length} bytes: ` +
          (e instanceof Error ? e.message : String(e)),
        { cause: e },
      );
    }
  }
  const found = header as IdxHeader | null;
  if (found === null) throw new Error(`${path}: truncated IDX header (${pending.length} bytes)`);
  return found;
}

/** Values the import will refuse as features (issue 11), told before the user imports. */
function nonFiniteWarnings(scan: CsvScan): string[] {
  return scan.columns.flatMap((stats, c) =>
    stats.firstNonFinite === null
      ? []
      : [
          `Column "${scan.names[c] ?? c}" holds "${stats.firstNonFinite.cell.trim().slice(0, 40)}" (line ${stats.firstNonFinite.line}), not a finite 32-bit float: the import refuses it as a feature`,
        ],
  );
}
