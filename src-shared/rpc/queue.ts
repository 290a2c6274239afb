import { z } from 'zod';

/** The most trainers a workspace may run at once: far above any desktop's cores, a typo guard. */
export const MAX_TRAINER_LIMIT = 256;

export const SetTrainerLimitSchema = z
  .object({ limit: z.int().min(1).max(MAX_TRAINER_LIMIT) })
  .strict();

/** A process with the workspace open that executes runs (app, server, CLI). */
export interface QueueProcess {
  transport: string;
  host: string;
  pid: number;
  /** Runs it is training now. */
  running: number;
  /** The process answering the request. */
  self: boolean;
}

/**
 * The trainer limit every process on the workspace shares (a running run holds one slot), and
 * who holds the slots now.
 */
export interface QueueStatus {
  trainerLimit: number;
  /** Whether the limit was set, or is this machine's default (one trainer per core). */
  limitSet: boolean;
  cores: number;
  running: number;
  queued: number;
  processes: QueueProcess[];
}
