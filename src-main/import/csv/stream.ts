import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';

export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

/** A file's text as a stream of strings, gunzipped when it starts with gzip's magic bytes. */
export async function openText(path: string, onBytes?: (bytes: number) => void): Promise<Readable> {
  const stream = await openBytes(path, onBytes);
  // A StringDecoder: a UTF-8 character split across two chunks stays whole.
  stream.setEncoding('utf8');
  return stream;
}

/** A file's bytes as a stream, gunzipped when it starts with gzip's magic bytes. */
async function openBytes(path: string, onBytes?: (bytes: number) => void): Promise<Readable> {
  const gz = await startsWithGzip(path);
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (onBytes)
    raw.on('data', (chunk) => {
      onBytes(chunk.length);
    });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  return stream;
}

/** Bytes sniffed for the encoding: a few lines of any CSV. */
const SNIFF_BYTES = 4096;

/**
 * Refuses a file that is not UTF-8 (or ASCII) text before it is parsed (issue 11): read as UTF-8,
 * UTF-16 turns into NUL-laced cells (UTF-16BE imported as a thousand garbage one-hot features).
 * Both byte orders are refused alike rather than decoded: Excel's "Unicode text" is the usual
 * source, and saving as "CSV UTF-8" is one step for the user.
 */
export async function checkTextEncoding(path: string): Promise<void> {
  let head: Uint8Array;
  try {
    head = await readHeadBytes(path, SNIFF_BYTES);
  } catch (e) {
    // A broken gzip stream, a file gone: zlib's and fs's messages do not name the file.
    throw new Error(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const problem = encodingProblem(head);
  if (problem !== null) {
    throw new Error(
      `${path}: ${problem}; only UTF-8 (or ASCII) CSV is read: save the file as UTF-8 ` +
        '(Excel: "CSV UTF-8"; or iconv -t UTF-8) and import it again',
    );
  }
}

/** Byte-order marks of the encodings that are not UTF-8, longest first. */
const BOMS: readonly { bytes: readonly number[]; name: string }[] = [
  { bytes: [0xff, 0xfe, 0, 0], name: 'UTF-32LE' },
  { bytes: [0, 0, 0xfe, 0xff], name: 'UTF-32BE' },
  { bytes: [0xff, 0xfe], name: 'UTF-16LE' },
  { bytes: [0xfe, 0xff], name: 'UTF-16BE' },
];

/**
 * What is wrong with a file's first bytes as UTF-8 text, or null. A byte-order mark names the
 * encoding; without one, UTF-16 shows as NUL bytes at every other byte (each ASCII character is
 * one byte and a NUL: NUL second in LE, first in BE). Text has no NUL bytes at all, so any other
 * NUL says binary data.
 */
export function encodingProblem(head: Uint8Array): string | null {
  const bom = BOMS.find((b) => b.bytes.every((byte, i) => head[i] === byte));
  if (bom !== undefined) return `the file is ${bom.name} text (it starts with a byte-order mark)`;
  const nuls = [0, 0];
  let first = -1;
  head.forEach((byte, i) => {
    if (byte !== 0) return;
    nuls[i % 2] = (nuls[i % 2] ?? 0) + 1;
    if (first < 0) first = i;
  });
  if (first < 0) return null;
  const [even = 0, odd = 0] = nuls;
  // Mostly ASCII (a CSV's digits, commas, names): NULs on one side only, in a quarter of the
  // pairs at least (and more than one: a lone NUL in a short file says nothing of UTF-16).
  const many = (n: number): boolean => n >= 2 && n * 4 >= Math.floor(head.length / 2);
  if (even === 0 && many(odd)) return 'the file is UTF-16LE text (NUL bytes at every other byte)';
  if (odd === 0 && many(even)) return 'the file is UTF-16BE text (NUL bytes at every other byte)';
  return `byte ${first} is a NUL (0x00): this is not a text file (UTF-16, UTF-32 or binary?)`;
}

/** Up to `max` first bytes of a file (gunzipped). */
async function readHeadBytes(path: string, max: number): Promise<Uint8Array> {
  const stream = await openBytes(path);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= max) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
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

/** How far readHead goes for a file whose first lines are longer than its `maxChars`. */
export const MAX_HEAD_CHARS = 16 * 1024 * 1024;

/**
 * The first `maxChars` characters of a text file (gunzipped), cut at the last line break, and
 * whether that is the whole file. It reads on past `maxChars` until it holds two line breaks (up
 * to MAX_HEAD_CHARS), so that detection sees a row below the header even in a very wide file.
 */
export async function readHead(
  path: string,
  maxChars = 1024 * 1024,
): Promise<{ text: string; complete: boolean }> {
  const stream = await openText(path);
  let text = '';
  let complete = true;
  try {
    for await (const chunk of stream) {
      text += chunk as string;
      if (text.length >= maxChars && (twoLineBreaks(text) || text.length >= MAX_HEAD_CHARS)) {
        complete = false;
        break;
      }
    }
  } finally {
    stream.destroy();
  }
  if (complete) return { text, complete };
  return { text: text.slice(0, Math.max(text.lastIndexOf('\n'), 0)), complete };
}

function twoLineBreaks(text: string): boolean {
  return text.indexOf('\n', text.indexOf('\n') + 1) > 0;
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
