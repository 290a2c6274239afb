import { z } from 'zod';
import type { InputScaling } from '../../src-shared/domain/models';
import { ExistingPathSchema, IdSchema, UsageError, WorkspaceSchema } from './args';

/** Flags of `transferlab models ...` (issue 13), parsed with zod after commander. */

const Common = { workspace: WorkspaceSchema.optional(), json: z.boolean().default(false) };

export const ModelsListArgsSchema = z.object(Common).strict();

const Numbers = z
  .string()
  .transform((s) => s.split(',').map((v) => Number(v.trim())))
  .pipe(
    z
      .array(z.number({ error: 'must be numbers, comma-separated' }))
      .min(1)
      .max(4),
  );

const ScalingFlags = {
  scaling: z
    .enum(['unit', 'byte', 'standardise', 'standardize'], {
      error: 'must be unit, byte or standardise',
    })
    .optional(),
  mean: Numbers.optional(),
  std: Numbers.optional(),
};

export const ModelsImportArgsSchema = z
  .object({
    path: ExistingPathSchema,
    name: z.string().trim().min(1).max(120).optional(),
    featureLayer: z.string().trim().min(1).max(100).optional(),
    ...ScalingFlags,
    ...Common,
  })
  .strict();

export const ModelsShowArgsSchema = z
  .object({ ref: z.string().trim().min(1).max(200), ...Common })
  .strict();

export const ModelsSetArgsSchema = z
  .object({
    ref: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(120).optional(),
    featureLayer: z.string().trim().min(1).max(100).optional(),
    ...ScalingFlags,
    ...Common,
  })
  .strict();

export const ModelsDeleteArgsSchema = z.object({ id: IdSchema, ...Common }).strict();

export const ModelsExportArgsSchema = z
  .object({
    ref: z.string().trim().min(1).max(200),
    format: z.enum(['tfjs', 'onnx'], { error: 'must be tfjs or onnx' }),
    out: z.string().trim().min(1),
    ...Common,
  })
  .strict();

/** The input scaling the flags give, if any; `--mean`/`--std` go with `standardise` only. */
export function scalingFrom(args: {
  scaling?: string | undefined;
  mean?: number[] | undefined;
  std?: number[] | undefined;
}): InputScaling | undefined {
  const standardise = args.scaling === 'standardise' || args.scaling === 'standardize';
  if (!standardise && (args.mean !== undefined || args.std !== undefined)) {
    throw new UsageError('--mean and --std go with --scaling standardise', [
      { path: '--scaling', message: 'set it to standardise to use --mean and --std' },
    ]);
  }
  if (args.scaling === undefined) return undefined;
  if (!standardise) return { kind: args.scaling === 'byte' ? 'byte' : 'unit' };
  const { mean, std } = args;
  if (mean === undefined || std === undefined || mean.length !== std.length) {
    throw new UsageError('--scaling standardise needs --mean and --std, as many values each', [
      { path: '--mean', message: 'e.g. --mean 0.2860 --std 0.3530, or one value per channel' },
    ]);
  }
  if (std.some((d) => d <= 0)) {
    throw new UsageError('--std must be positive', [{ path: '--std', message: 'must be > 0' }]);
  }
  return { kind: 'standardise', mean, std };
}

/** `export <ref>`: a run id (digits, or #12) or a model (m3, its name, a hash prefix). */
export function exportSource(
  ref: string,
): { kind: 'run'; id: number } | { kind: 'model'; ref: string } {
  const run = /^#?(\d+)$/.exec(ref);
  if (run) return { kind: 'run', id: Number(run[1]) };
  return { kind: 'model', ref };
}

export const ModelsKeepArgsSchema = z
  .object({
    keep: z
      .enum(['all', 'best-per-cell', 'none'], { error: 'must be all, best-per-cell or none' })
      .optional(),
    ...Common,
  })
  .strict();
