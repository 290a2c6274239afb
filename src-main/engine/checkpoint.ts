import { createHash } from 'node:crypto';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import { z } from 'zod';
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { Tf } from './backend';
import type { BatchStream } from './batchStream';
import {
  checkpointPath,
  MANIFEST_FILE,
  pruneCheckpoints,
  readCheckpointFile,
  writeCheckpointFiles,
} from './checkpointFiles';
import type { EarlyStopper } from './earlyStopping';
import type { TrainJob } from './protocol';
import { trainableVariables, type ParamGroup } from './strategies/strategy';

/**
 * A training loop's state at the end of an epoch, saved so that a crashed run resumes there
 * (issue 11) and ends exactly as it would have without the crash: the same later epochs and
 * final metrics, bit for bit. What it holds, and why each part:
 * - every variable of the run: the prepared model's weights (frozen ones included: generic, and
 *   cheap next to the optimizer's state) and every variable an optimizer trains outside the
 *   model (DANN's domain classifier, multi-task's source head, ...);
 * - each optimizer's iteration count and slots (Adam's m and v; SGD has none), by the index of
 *   their variable, since variable names get suffixes in a process that built a model before;
 * - which parameter groups were active (each group's variables and learning-rate scale), so the
 *   loop knows whether the next epoch starts fresh optimizers (LP-FT) exactly as it would have;
 * - each batch stream's position (batchStream.ts), the early stopper's state with its best
 *   weights, whether early stopping ended training at this epoch, and the elapsed seconds.
 * The manifest also records what the checkpoint belongs to (the config's hash, the strategy, the
 * data's hash, the source model's hash, the batches per epoch): a checkpoint of another job is
 * refused, never half applied. Tensors are stored float32 as they are in memory, so a restore
 * is exact.
 *
 * Files: `manifest.json` and `state.bin`, the tensors' bytes one after the other (little-endian,
 * as typed arrays are on every platform Node runs on), in the folders of checkpointFiles.ts.
 */

const STATE_FILE = 'state.bin';
const FORMAT = 'transferlab-checkpoint';

/** What a checkpoint must belong to. */
export interface CheckpointIdentity {
  /** sha256 of the run's resolved config in canonical JSON. */
  configHash: string;
  strategy: string;
  /** sha256 of the arrays trained on (RunData.dataHash). */
  dataHash: string;
  sourceModelHash: string | null;
  batchesPerEpoch: number;
}

export function checkpointIdentity(
  job: TrainJob,
  dataHash: string,
  batchesPerEpoch: number,
): CheckpointIdentity {
  return {
    configHash: createHash('sha256').update(canonicalJson(job.config)).digest('hex'),
    strategy: job.config.kind === 'source' ? 'source' : job.config.strategy,
    dataHash,
    sourceModelHash: job.sourceModel?.hash ?? null,
    batchesPerEpoch,
  };
}

/** The loop's stateful parts, as train.ts holds them. */
export interface LoopState {
  /** Every variable of the run, in an order that `prepare` reproduces (stateVariables). */
  variables: readonly Variable[];
  groups: readonly ParamGroup[];
  /** One per group. */
  optimizers: readonly Optimizer[];
  /** The loop's batch streams by name; undefined where the run has none. */
  streams: Readonly<Record<string, BatchStream | undefined>>;
  stopper: EarlyStopper | undefined;
}

/** What the loop itself carries on from a checkpoint. */
export interface LoopProgress {
  elapsedS: number;
  /** Early stopping ended training after this epoch: only the final evaluation is left. */
  stopped: boolean;
}

/**
 * The variables a checkpoint saves: the model's weights in the model's order, then every other
 * variable the strategy trains, then any in the groups' that are in neither.
 */
export function stateVariables(
  tf: Tf,
  model: { weights: { name: string; read(): Tensor }[] },
  trainable: readonly Variable[],
  groups: readonly ParamGroup[],
): Variable[] {
  // Every weight of the model, frozen ones included (trainableVariables reads the list it is
  // given, whatever the layers' trainable flags).
  const modelWeights = trainableVariables(tf, { trainableWeights: model.weights });
  return [...new Set([...modelWeights, ...trainable, ...groups.flatMap((g) => g.variables)])];
}

const TensorEntrySchema = z.object({
  shape: z.array(z.int().nonnegative()),
  dtype: z.enum(['float32', 'int32']),
  /** Byte offset in state.bin. */
  offset: z.int().nonnegative(),
});
type TensorEntry = z.infer<typeof TensorEntrySchema>;

const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  epoch: z.int().positive(),
  identity: z.object({
    configHash: z.string(),
    strategy: z.string(),
    dataHash: z.string(),
    sourceModelHash: z.string().nullable(),
    batchesPerEpoch: z.int(),
  }),
  elapsedS: z.number().nonnegative(),
  stopped: z.boolean(),
  /** sha256 of state.bin: a torn or altered file is refused. */
  stateHash: z.string(),
  stateBytes: z.int().nonnegative(),
  variables: z.array(TensorEntrySchema),
  groups: z.array(
    z.object({
      learningRateScale: z.number(),
      /** Indices into `variables`. */
      variables: z.array(z.int().nonnegative()),
      iterations: z.int().nonnegative(),
      /** The optimizer's weights after its iteration count, in its own order. */
      slots: z.array(
        z.object({ variable: z.int().nonnegative(), slot: z.string(), tensor: TensorEntrySchema }),
      ),
    }),
  ),
  streams: z.record(
    z.string(),
    z.object({ passes: z.int().nonnegative(), at: z.int().nonnegative(), orderHash: z.string() }),
  ),
  stopper: z
    .object({
      /** null for NaN (no finite value yet), which JSON cannot hold. */
      best: z.number().nullable(),
      bestEpoch: z.int().nonnegative(),
      sinceBest: z.int().nonnegative(),
      snapshot: z.array(TensorEntrySchema).nullable(),
    })
    .nullable(),
});
type Manifest = z.infer<typeof ManifestSchema>;

/**
 * Writes the checkpoint of `epoch` to `<dir>/epoch-<epoch>.ckpt` atomically, then removes the
 * checkpoints other than this one and the one before (checkpointFiles.ts pruneCheckpoints).
 * Returns its size in bytes.
 */
export async function saveCheckpoint(
  dir: string,
  epoch: number,
  identity: CheckpointIdentity,
  loop: LoopState,
  progress: LoopProgress,
): Promise<number> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const put = async (tensor: Tensor): Promise<TensorEntry> => {
    const { dtype } = tensor;
    if (dtype !== 'float32' && dtype !== 'int32')
      throw new Error(`Cannot checkpoint a ${dtype} tensor`);
    const values = await tensor.data<'float32' | 'int32'>();
    const entry = { shape: [...tensor.shape], dtype, offset };
    chunks.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    offset += values.byteLength;
    return entry;
  };

  const indexOf = new Map(loop.variables.map((v, i) => [v.name, i]));
  const variables: TensorEntry[] = [];
  for (const v of loop.variables) variables.push(await put(v));
  const groups: Manifest['groups'] = [];
  for (const [g, group] of loop.groups.entries()) {
    const optimizer = loop.optimizers[g];
    if (optimizer === undefined) throw new Error(`No optimizer for parameter group ${g}`);
    // tfjs's convention: the iteration count first, as a new scalar; the slots are the
    // optimizer's own variables, named `<variable>/<slot>`.
    const [count, ...weights] = await optimizer.getWeights();
    count?.tensor.dispose();
    const slots: Manifest['groups'][number]['slots'] = [];
    for (const { name, tensor } of weights) {
      const cut = name.lastIndexOf('/');
      const variable = indexOf.get(name.slice(0, cut));
      if (cut < 0 || variable === undefined)
        throw new Error(`Optimizer slot ${name} belongs to no variable of the run`);
      slots.push({ variable, slot: name.slice(cut + 1), tensor: await put(tensor) });
    }
    groups.push({
      learningRateScale: group.learningRateScale,
      variables: group.variables.map((v) => {
        const i = indexOf.get(v.name);
        if (i === undefined) throw new Error(`Variable ${v.name} is not among the run's`);
        return i;
      }),
      iterations: optimizer.iterations,
      slots,
    });
  }
  const streams: Manifest['streams'] = {};
  for (const [name, stream] of Object.entries(loop.streams))
    if (stream) streams[name] = stream.state();
  let stopper: Manifest['stopper'] = null;
  if (loop.stopper) {
    const s = loop.stopper.state();
    const snapshot: TensorEntry[] = [];
    for (const t of s.snapshot ?? []) snapshot.push(await put(t));
    stopper = {
      best: Number.isNaN(s.best) ? null : s.best,
      bestEpoch: s.bestEpoch,
      sinceBest: s.sinceBest,
      snapshot: s.snapshot ? snapshot : null,
    };
  }

  const state = Buffer.concat(chunks);
  const manifest: Manifest = {
    format: FORMAT,
    version: 1,
    epoch,
    identity,
    elapsedS: progress.elapsedS,
    stopped: progress.stopped,
    stateHash: sha256(state),
    stateBytes: state.byteLength,
    variables,
    groups,
    streams,
    stopper,
  };
  const manifestText = JSON.stringify(manifest);
  await writeCheckpointFiles(dir, epoch, { [STATE_FILE]: state, [MANIFEST_FILE]: manifestText });
  await pruneCheckpoints(dir, epoch);
  return state.byteLength + Buffer.byteLength(manifestText);
}

/**
 * Restores the checkpoint of `epoch` into a loop freshly set up for the same job: its variables
 * (in stateVariables' order), the groups active at that epoch with fresh optimizers, fresh
 * streams and stopper. Everything is checked before anything changes; a checkpoint that is
 * missing, unreadable or of another job throws an Error that says so.
 */
export async function loadCheckpoint(
  tf: Tf,
  dir: string,
  epoch: number,
  identity: CheckpointIdentity,
  loop: LoopState,
): Promise<LoopProgress> {
  const where = `The checkpoint of epoch ${epoch} (${checkpointPath(dir, epoch)})`;
  const refuse = (why: string): Error => new Error(`${where} ${why}; cannot resume from it`);
  let manifest: Manifest;
  let state: Buffer;
  try {
    const parsed = ManifestSchema.safeParse(
      JSON.parse((await readCheckpointFile(dir, epoch, MANIFEST_FILE)).toString('utf8')),
    );
    if (!parsed.success) throw new Error(`its manifest is invalid: ${parsed.error.message}`);
    manifest = parsed.data;
    state = await readCheckpointFile(dir, epoch, STATE_FILE);
  } catch (e) {
    const missing = e instanceof Error && 'code' in e && e.code === 'ENOENT';
    throw refuse(
      missing ? 'does not exist' : `is unreadable (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (manifest.epoch !== epoch) throw refuse(`is labelled epoch ${manifest.epoch}`);
  for (const key of Object.keys(identity) as (keyof CheckpointIdentity)[]) {
    if (manifest.identity[key] !== identity[key]) {
      throw refuse(
        `belongs to another job: its ${key} is ${String(manifest.identity[key])}, this job's ${String(identity[key])}`,
      );
    }
  }
  if (state.byteLength !== manifest.stateBytes || sha256(state) !== manifest.stateHash)
    throw refuse('is damaged: its data does not match the hash in its manifest');

  const sameShape = (entry: TensorEntry, t: Tensor): boolean =>
    entry.dtype === t.dtype &&
    entry.shape.length === t.shape.length &&
    entry.shape.every((d, i) => d === t.shape[i]);
  const bytesOf = (entry: TensorEntry): number => entry.shape.reduce((a, b) => a * b, 1) * 4;
  const all: TensorEntry[] = [
    ...manifest.variables,
    ...manifest.groups.flatMap((g) => g.slots.map((s) => s.tensor)),
    ...(manifest.stopper?.snapshot ?? []),
  ];
  if (all.some((entry) => entry.offset + bytesOf(entry) > state.byteLength))
    throw refuse('is damaged: a tensor lies beyond its data');

  if (manifest.variables.length !== loop.variables.length)
    throw refuse(`has ${manifest.variables.length} variables, the run ${loop.variables.length}`);
  manifest.variables.forEach((entry, i) => {
    const v = loop.variables[i];
    if (v === undefined || !sameShape(entry, v))
      throw refuse(`has variable ${i} of shape [${entry.shape.join(', ')}], the run another`);
  });
  const indexOf = new Map(loop.variables.map((v, i) => [v.name, i]));
  if (manifest.groups.length !== loop.groups.length)
    throw refuse(
      `has ${manifest.groups.length} parameter groups active, the run ${loop.groups.length}`,
    );
  manifest.groups.forEach((saved, g) => {
    const group = loop.groups[g];
    const indices = group?.variables.map((v) => indexOf.get(v.name) ?? -1) ?? [];
    if (
      group?.learningRateScale !== saved.learningRateScale ||
      indices.join(',') !== saved.variables.join(',')
    )
      throw refuse(`has other parameter groups active at epoch ${epoch} than the run`);
    for (const slot of saved.slots) {
      const v = loop.variables[slot.variable];
      if (v === undefined || !sameShape(slot.tensor, v))
        throw refuse(`has an optimizer slot that fits no variable of the run`);
    }
  });
  const streamNames = Object.entries(loop.streams).flatMap(([name, s]) => (s ? [name] : []));
  if (streamNames.sort().join(',') !== Object.keys(manifest.streams).sort().join(','))
    throw refuse('has other batch streams than the run');
  if ((manifest.stopper === null) !== (loop.stopper === undefined))
    throw refuse(`was written ${manifest.stopper ? 'with' : 'without'} early stopping`);
  // The best epoch's weights are the model's (model.getWeights()): the first variables.
  const snapshot = manifest.stopper?.snapshot ?? [];
  snapshot.forEach((entry, i) => {
    const v = loop.variables[i];
    if (v === undefined || !sameShape(entry, v))
      throw refuse("has best weights that do not fit the run's model");
  });

  // Checked: now restore. Streams first (a replay that disagrees throws before any tensor).
  for (const [name, s] of Object.entries(manifest.streams)) {
    try {
      loop.streams[name]?.restore(s);
    } catch (e) {
      throw refuse(`does not fit the ${name} rows: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const tensorOf = (entry: TensorEntry): Tensor => {
    const bytes = state.buffer.slice(
      state.byteOffset + entry.offset,
      state.byteOffset + entry.offset + bytesOf(entry),
    );
    const values = entry.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
    return tf.tensor(values, entry.shape, entry.dtype);
  };
  manifest.variables.forEach((entry, i) => {
    const value = tensorOf(entry);
    loop.variables[i]?.assign(value);
    value.dispose();
  });
  for (const [g, saved] of manifest.groups.entries()) {
    const weights = [
      { name: 'iter', tensor: tf.scalar(saved.iterations, 'int32') },
      ...saved.slots.map((s) => ({
        name: `${loop.variables[s.variable]?.name ?? ''}/${s.slot}`,
        tensor: tensorOf(s.tensor),
      })),
    ];
    try {
      // The optimizer keeps variables of its own, made from these tensors.
      await loop.optimizers[g]?.setWeights(weights);
    } finally {
      tf.dispose(weights.map((w) => w.tensor));
    }
  }
  if (loop.stopper && manifest.stopper) {
    const s = manifest.stopper;
    loop.stopper.restoreState({
      best: s.best ?? NaN,
      bestEpoch: s.bestEpoch,
      sinceBest: s.sinceBest,
      ...(s.snapshot ? { snapshot: s.snapshot.map(tensorOf) } : {}),
    });
  }
  return { elapsedS: manifest.elapsedS, stopped: manifest.stopped };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
