import { ADAPTER_LIMITS, type GpuAdapter, type RunDevice } from './backends';

/**
 * The device a run computed on, as people read it (issue 15): one description shared by the run
 * page, the Runs grid, the CLI and the reports, so that they all name an adapter and its limits
 * alike. Runs recorded before issue 15 have no device: they say so and never guess one.
 */

export const DEVICE_NOT_RECORDED = 'not recorded';

/** The limits counted in bytes (the others count invocations or threads). */
const BYTE_LIMITS: ReadonlySet<string> = new Set([
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
]);

/** Short names for the limits, in ADAPTER_LIMITS' order. */
const LIMIT_LABELS: Readonly<Record<(typeof ADAPTER_LIMITS)[number], string>> = {
  maxBufferSize: 'max buffer',
  maxStorageBufferBindingSize: 'max storage binding',
  maxComputeWorkgroupStorageSize: 'workgroup storage',
  maxComputeInvocationsPerWorkgroup: 'invocations per workgroup',
  maxComputeWorkgroupSizeX: 'workgroup size x',
};

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A size in binary units to three significant digits: 134217728 → `128 MiB`, 2^32 − 1 (the
 * maxBufferSize Dawn reports for lavapipe) → `4 GiB`. The exact number goes beside it where it
 * matters (adapterFacts' `exact`).
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return String(bytes);
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let shown = Number(value.toPrecision(3));
  // Four digits would not be three significant ones: 1023.99 KiB reads `1 MiB`, not `1020 KiB`.
  if (shown >= 1000 && unit > 0 && unit < UNITS.length - 1) {
    shown = Number((value / 1024).toPrecision(3));
    unit++;
  }
  return `${shown} ${UNITS[unit] ?? 'B'}`;
}

export interface DeviceFact {
  /** What it is, e.g. `vendor`, `max buffer`. */
  label: string;
  /** As shown: `mesa`, `4 GiB`, `yes`. */
  value: string;
  /** The recorded value where `value` rounds it (byte sizes), for a tooltip or a report. */
  exact?: string;
  /** The WebGPU name of a limit (`maxBufferSize`), for readers who look it up. */
  key?: string;
}

function limitFact(key: string, value: number): DeviceFact {
  const label = Object.hasOwn(LIMIT_LABELS, key)
    ? LIMIT_LABELS[key as keyof typeof LIMIT_LABELS]
    : key;
  if (!BYTE_LIMITS.has(key)) return { label, value: String(value), key };
  return { label, value: formatBytes(value), exact: `${value} bytes`, key };
}

/**
 * The limits a run recorded, those that bound training first (ADAPTER_LIMITS' order), then any
 * other the adapter reported.
 */
export function adapterLimitFacts(adapter: GpuAdapter): DeviceFact[] {
  const known: string[] = [...ADAPTER_LIMITS];
  const keys = [
    ...known.filter((k) => Object.hasOwn(adapter.limits, k)),
    ...Object.keys(adapter.limits)
      .filter((k) => !known.includes(k))
      .sort((a, b) => a.localeCompare(b)),
  ];
  return keys.map((k) => limitFact(k, adapter.limits[k] ?? Number.NaN));
}

/** What GPUAdapterInfo said about the adapter; an empty field (Dawn leaves some) reads `—`. */
export function adapterInfoFacts(adapter: GpuAdapter): DeviceFact[] {
  const text = (s: string): string => (s.trim() === '' ? '—' : s);
  return [
    { label: 'vendor', value: text(adapter.vendor) },
    { label: 'architecture', value: text(adapter.architecture) },
    { label: 'device', value: text(adapter.device) },
    { label: 'description', value: text(adapter.description) },
    { label: 'software', value: adapter.software ? 'yes (a CPU implementation)' : 'no' },
  ];
}

/** Every fact of an adapter: what it is, then its limits. */
export function adapterFacts(adapter: GpuAdapter): DeviceFact[] {
  return [...adapterInfoFacts(adapter), ...adapterLimitFacts(adapter)];
}

/** The limits in one line: `max buffer 4 GiB · max storage binding 128 MiB · …`. */
export function adapterLimitsLine(adapter: GpuAdapter): string {
  return adapterLimitFacts(adapter)
    .map((f) => `${f.label} ${f.value}`)
    .join(' · ');
}

/** The device's one-line label, or `not recorded` for a run from before issue 15. */
export function deviceText(device: RunDevice | null | undefined): string {
  return device?.label ?? DEVICE_NOT_RECORDED;
}

/** Several lines for a tooltip or a terminal: the label, the adapter's facts, its limits. */
export function deviceDescription(device: RunDevice | null | undefined): string {
  if (!device) return DEVICE_NOT_RECORDED;
  if (!device.adapter) return device.label;
  const a = device.adapter;
  return [
    device.label,
    ...adapterInfoFacts(a).map((f) => `${f.label}: ${f.value}`),
    `limits: ${adapterLimitsLine(a)}`,
  ].join('\n');
}

/** What tells two devices apart: their kind, label and adapter as recorded. */
export function deviceKey(device: RunDevice): string {
  return JSON.stringify([device.kind, device.label, device.adapter ?? null]);
}

/**
 * The distinct devices of some runs, each once, in the order they first appear: two runs on one
 * adapter share its label and its facts (a report lists the adapter once, not per run).
 */
export function distinctDevices(
  devices: Iterable<RunDevice | null | undefined>,
): { device: RunDevice; count: number }[] {
  const seen = new Map<string, { device: RunDevice; count: number }>();
  for (const device of devices) {
    if (!device) continue;
    const key = deviceKey(device);
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { device, count: 1 });
  }
  return [...seen.values()];
}
