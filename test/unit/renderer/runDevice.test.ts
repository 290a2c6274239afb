import { describe, expect, it } from 'vitest';
import { completeQuery } from '../../../src-renderer/lib/historyCompletion';
import { deviceCellTitle } from '../../../src-renderer/lib/historyColumns';
import { runDeviceText } from '../../../src-renderer/lib/runView';
import { H100_DEVICE, LAVAPIPE_DEVICE } from '../../helpers/runDevices';

/** The run page's Device line, the Runs grid's device cell and query completion (issue 15). */

describe('a run’s device in the UI', () => {
  it('fills the run page’s Device line and the grid cell’s title', () => {
    expect(runDeviceText(LAVAPIPE_DEVICE, true, false)).toBe(LAVAPIPE_DEVICE.label);
    // An environment without a device: recorded before issue 15.
    expect(runDeviceText(null, true, false)).toBe('not recorded');
    expect(runDeviceText(null, false, true)).toBe('reported when the trainer starts');
    expect(runDeviceText(null, false, false)).toBe('—');
    expect(
      deviceCellTitle({ backend: 'webgpu', device: H100_DEVICE, status: 'completed' }),
    ).toMatch(/^backend webgpu\nNVIDIA H100 80GB HBM3 \(nvidia, hopper\)\nvendor: nvidia\n/);
    expect(deviceCellTitle({ backend: 'wasm', device: null, status: 'completed' })).toBe(
      'backend wasm\nnot recorded',
    );
    expect(deviceCellTitle({ backend: null, device: null, status: 'queued' })).toBe(
      'Known when the run starts',
    );
  });
});

describe('backend: and device: in the query box', () => {
  it('are offered by the completion, the backend with the backends there are', () => {
    const known = { strategies: [], variants: [], sources: [], targets: [] };
    expect(completeQuery('dev', 3, known).items.map((i) => i.insert)).toEqual(['device:']);
    expect(completeQuery('backend:web', 11, known).items.map((i) => i.insert)).toEqual([
      'backend:webgpu ',
    ]);
    expect(completeQuery('backend:tens', 12, known).items.map((i) => i.label)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
    ]);
  });
});
