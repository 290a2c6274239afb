import type { RunStatus } from '../../src-shared/domain/runs';

/** Display order of statuses (chips, filters): active first, then outcomes. */
export const STATUS_ORDER: readonly RunStatus[] = [
  'running',
  'queued',
  'completed',
  'failed',
  'diverged',
  'crashed',
  'cancelled',
];

export const STATUS_LABEL: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  crashed: 'crashed',
  diverged: 'diverged',
};

export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
