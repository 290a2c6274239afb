import { describe, expect, it } from 'vitest';
import {
  adapterFacts,
  deviceDescription,
  deviceText,
  distinctDevices,
  formatBytes,
} from '../../../src-shared/domain/runDeviceText';
import { parseRunQuery, toRunQueryFilters } from '../../../src-shared/query/runQueryText';
import {
  CPU_DEVICE,
  H100_DEVICE,
  LAVAPIPE_ADAPTER,
  LAVAPIPE_DEVICE,
} from '../../helpers/runDevices';

/** How every front door names a run's device and its adapter (issue 15). */

describe('formatBytes', () => {
  it('gives binary units to three significant digits', () => {
    expect(formatBytes(134217728)).toBe('128 MiB');
    // lavapipe's maxBufferSize is 2^32 − 1.
    expect(formatBytes(4294967295)).toBe('4 GiB');
    expect(formatBytes(32768)).toBe('32 KiB');
    expect(formatBytes(49152)).toBe('48 KiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    // Just under 1 MiB rounds up to it, never to "1020 KiB".
    expect(formatBytes(1048575)).toBe('1 MiB');
    expect(formatBytes(68719476736)).toBe('64 GiB');
    expect(formatBytes(1000 * 1024)).toBe('0.977 MiB');
  });
});

describe('adapter facts', () => {
  it('lists what the adapter is, then the limits that matter, exact bytes kept', () => {
    const facts = adapterFacts(LAVAPIPE_ADAPTER);
    expect(facts.map((f) => [f.label, f.value])).toEqual([
      ['vendor', 'mesa'],
      ['architecture', 'software'],
      ['device', 'llvmpipe-llvm-15-0-6-256-bits-'],
      ['description', 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1'],
      ['software', 'yes (a CPU implementation)'],
      ['max buffer', '4 GiB'],
      ['max storage binding', '128 MiB'],
      ['workgroup storage', '32 KiB'],
      ['invocations per workgroup', '1024'],
      ['workgroup size x', '1024'],
    ]);
    expect(facts.find((f) => f.key === 'maxBufferSize')?.exact).toBe('4294967295 bytes');
  });

  it('shows an empty field as a dash and a limit it does not know by its own name', () => {
    const facts = adapterFacts({
      ...LAVAPIPE_ADAPTER,
      architecture: '',
      limits: { maxComputeWorkgroupSizeY: 256, maxBufferSize: 1024 },
    });
    expect(facts.find((f) => f.label === 'architecture')?.value).toBe('—');
    expect(facts.slice(5).map((f) => [f.label, f.value])).toEqual([
      ['max buffer', '1 KiB'],
      ['maxComputeWorkgroupSizeY', '256'],
    ]);
  });
});

describe('a run’s device in words', () => {
  it('says "not recorded" for runs from before devices were, never a guess', () => {
    expect(deviceText(null)).toBe('not recorded');
    expect(deviceText(undefined)).toBe('not recorded');
    expect(deviceText(H100_DEVICE)).toBe('NVIDIA H100 80GB HBM3 (nvidia, hopper)');
    expect(deviceDescription(CPU_DEVICE)).toBe(CPU_DEVICE.label);
    expect(deviceDescription(LAVAPIPE_DEVICE).split('\n')).toEqual([
      'llvmpipe-llvm-15-0-6-256-bits- (software GPU)',
      'vendor: mesa',
      'architecture: software',
      'device: llvmpipe-llvm-15-0-6-256-bits-',
      'description: llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
      'software: yes (a CPU implementation)',
      'limits: max buffer 4 GiB · max storage binding 128 MiB · workgroup storage 32 KiB · ' +
        'invocations per workgroup 1024 · workgroup size x 1024',
    ]);
  });

  it('lists each device once, counting its runs', () => {
    expect(
      distinctDevices([LAVAPIPE_DEVICE, null, { ...LAVAPIPE_DEVICE }, H100_DEVICE, undefined]),
    ).toEqual([
      { device: LAVAPIPE_DEVICE, count: 2 },
      { device: H100_DEVICE, count: 1 },
    ]);
  });
});

describe('backend: and device: in the Runs query', () => {
  it('are text fields: contains with `:`, exactly with `=`, commas for alternatives', () => {
    const q = parseRunQuery('backend:webgpu device:llvmpipe,h100 device="Intel CPU"');
    expect(q.problems).toEqual([]);
    expect(toRunQueryFilters(q).textFilters).toEqual([
      { field: 'backend', values: ['webgpu'], exact: false },
      { field: 'device', values: ['llvmpipe', 'h100'], exact: false },
      { field: 'device', values: ['Intel CPU'], exact: true },
    ]);
    expect(parseRunQuery('device>3').problems[0]?.message).toMatch(/device is a name/);
    expect(parseRunQuery('gpu:x').problems[0]?.message).toMatch(/backend, device/);
  });
});
