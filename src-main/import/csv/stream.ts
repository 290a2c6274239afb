import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

/** A file's text as a stream of strings, gunzipped when it starts with gzip's magic bytes. */
export async function openText(path: string, onBytes?: (bytes: number) => void): Promise<Readable> {
  const gz = await startsWithGzip(path);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (onBytes)
    raw.on('data', (chunk) => {
      onBytes(chunk.length);
    });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  // A StringDecoder: a UTF-8 character split across two chunks stays whole.
  stream.setEncoding('utf8');
  return stream;
}

async function startsWithGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/** The first `maxChars` characters of a text file (gunzipped), cut at the last line break. */
export async function readHead(path: string, maxChars = 1024 * 1024): Promise<string> {
  const stream = await openText(path);
  let text = '';
  try {
    for await (const chunk of stream) {
      text += chunk as string;
      if (text.length >= maxChars) break;
    }
  } finally {
    stream.destroy();
  }
  if (text.length < maxChars) return text;
  const cut = Math.max(text.lastIndexOf('\n', maxChars), 0);
  return text.slice(0, cut);
}

/**
 * Streams a CSV file's records to `onRow` (1-based line numbers; blank lines are skipped but
 * counted, so the numbers match the file unless a quoted field spans lines). papaparse parses
 * each chunk synchronously as it arrives, so memory stays bounded by the stream's chunk size.
 * A syntax error, or an error thrown by `onRow`, stops the parse and rejects.
 */
export async function streamCsv(
  path: string,
  delimiter: Delimiter,
  onRow: (fields: string[], line: number) => void,
  onBytes?: (bytes: number) => void,
): Promise<number> {
  const stream = await openText(path, onBytes);
  return new Promise<number>((resolve, reject) => {
    let line = 0;
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    stream.on('error', (e) => {
      fail(new Error(`${path}: cannot read: ${e.message}`));
    });
    Papa.parse<string[]>(stream, {
      delimiter,
      header: false,
      skipEmptyLines: false,
      step: (result, parser) => {
        if (failed) return;
        line += 1;
        const problem = result.errors[0];
        try {
          if (problem !== undefined) throw new Error(`line ${line}: ${problem.message}`);
          const fields = result.data;
          if (fields.length === 1 && (fields[0] ?? '').trim() === '') return;
          onRow(fields, line);
        } catch (e) {
          // fail() first: abort() calls `complete` synchronously, which would otherwise resolve
          // the parse as finished and drop the error (a short row then slipped through the
          // first pass and surfaced as "the file changed during the import").
          fail(e);
          parser.abort();
        }
      },
      complete: () => {
        if (!failed) resolve(line);
      },
      error: (e: Error) => {
        fail(e);
      },
    });
  });
}

/** Parses a few lines held in memory (detection, inspect's table). */
export function parseSample(
  text: string,
  delimiter: Delimiter | 'auto',
): { rows: string[][]; delimiter: Delimiter } {
  const parsed = Papa.parse<string[]>(text, {
    delimiter: delimiter === 'auto' ? '' : delimiter,
    delimitersToGuess: [...DELIMITERS],
    header: false,
    skipEmptyLines: 'greedy',
    preview: 200,
  });
  const found = parsed.meta.delimiter;
  const guessed = DELIMITERS.find((d) => d === found) ?? ',';
  return { rows: parsed.data, delimiter: delimiter === 'auto' ? guessed : delimiter };
}
