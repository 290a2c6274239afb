import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { arraysContentHash, FEATURES_FILE, featureSizeOf, LABELS_FILE } from '../data/arrays';
import { MAX_CLASSES, MAX_FEATURES, MAX_ROWS, WRITE_CHUNK_BYTES } from './limits';

/** What a finished writer staged: the files, their hashes and what they hold. */
export interface StagedArrays {
  /** The staging folder holding features.f32 and labels.i32 (renamed into place on commit). */
  dir: string;
  contentHash: string;
  featureShape: number[];
  rows: number;
  testFrom?: number;
  /** Rows per label, ascending by label. */
  classCounts: { label: number; count: number }[];
}

/**
 * Streams an import's rows to a staging folder: features as float32 straight to
 * features.f32 through a fixed-size buffer (hashed on the way), labels in memory (4 bytes a row)
 * until the end. Nothing is visible in the workspace until the caller commits the folder
 * (store.ts), and abort() removes it, so a failed import leaves nothing behind.
 */
export class ArraysWriter {
  readonly dir: string;
  readonly featureSize: number;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly buffer: Float32Array;
  private buffered = 0;
  private labels = new Int32Array(1024);
  private count = 0;
  private testFrom: number | undefined;
  private closed = false;

  constructor(
    stagingRoot: string,
    readonly featureShape: number[],
    /** Told the rows written after every chunk flushed. */
    private readonly onFlush?: (rows: number) => void,
  ) {
    this.featureSize = featureSizeOf(featureShape);
    if (featureShape.length === 0 || this.featureSize < 1 || this.featureSize > MAX_FEATURES) {
      throw new Error(
        `A row of shape [${featureShape.join(', ')}] has ${this.featureSize} features; ` +
          `1 to ${MAX_FEATURES} are accepted`,
      );
    }
    mkdirSync(stagingRoot, { recursive: true });
    this.dir = join(stagingRoot, `.staging-${randomBytes(8).toString('hex')}`);
    mkdirSync(this.dir);
    this.fd = openSync(join(this.dir, FEATURES_FILE), 'w');
    const rowsPerChunk = Math.max(1, Math.floor(WRITE_CHUNK_BYTES / 4 / this.featureSize));
    this.buffer = new Float32Array(rowsPerChunk * this.featureSize);
  }

  get rows(): number {
    return this.count;
  }

  /** Appends one row: `features` holds featureSize values (copied), `label` a class ≥ 0. */
  push(features: ArrayLike<number>, label: number): void {
    if (features.length !== this.featureSize) {
      throw new Error(
        `row ${this.count + 1}: ${features.length} features, expected ${this.featureSize}`,
      );
    }
    if (this.count >= MAX_ROWS) throw new Error(`More than ${MAX_ROWS} rows`);
    if (this.buffered + this.featureSize > this.buffer.length) this.flush();
    this.buffer.set(features, this.buffered);
    this.buffered += this.featureSize;
    if (this.count === this.labels.length) {
      const grown = new Int32Array(this.labels.length * 2);
      grown.set(this.labels);
      this.labels = grown;
    }
    this.labels[this.count++] = label;
  }

  /** Rows pushed from now on are the dataset's own test part. */
  startTestPart(): void {
    this.testFrom = this.count;
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const bytes = new Uint8Array(this.buffer.buffer, 0, this.buffered * 4);
    this.hash.update(bytes);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.buffered = 0;
    this.onFlush?.(this.count);
  }

  /** Writes labels.i32 and hashes everything; the folder stays staged until committed. */
  finish(): StagedArrays {
    this.flush();
    this.close();
    if (this.count === 0) throw new Error('No rows to import');
    const labels = this.labels.subarray(0, this.count);
    const counts = new Map<number, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    if (counts.size > MAX_CLASSES)
      throw new Error(`${counts.size} classes; at most ${MAX_CLASSES}`);
    const labelBytes = new Uint8Array(labels.buffer, 0, labels.byteLength);
    writeFileSync(join(this.dir, LABELS_FILE), labelBytes);
    const testFrom =
      this.testFrom !== undefined && this.testFrom < this.count ? this.testFrom : undefined;
    const shape = { featureShape: this.featureShape, rows: this.count, testFrom };
    const contentHash = arraysContentHash(
      shape,
      this.hash.digest('hex'),
      createHash('sha256').update(labelBytes).digest('hex'),
    );
    return {
      dir: this.dir,
      contentHash,
      featureShape: this.featureShape,
      rows: this.count,
      ...(testFrom !== undefined ? { testFrom } : {}),
      classCounts: [...counts]
        .sort(([a], [b]) => a - b)
        .map(([label, count]) => ({ label, count })),
    };
  }

  /** Removes the staging folder (after a failure, or when the content was already stored). */
  abort(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
