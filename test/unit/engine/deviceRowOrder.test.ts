import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend';
import { BatchStream } from '../../../src-main/engine/batchStream';
import { DeviceRowOrder } from '../../../src-main/engine/deviceRowOrder';

describe('DeviceRowOrder', () => {
  it("gives each batch's host rows and the same indices sliced from one upload per pass", async () => {
    const { tf } = await selectBackend('wasm');
    const host = new BatchStream(10, 4, 7);
    const device = new DeviceRowOrder(tf, new BatchStream(10, 4, 7));
    const before = tf.memory().numTensors;
    const orders = new Set<unknown>();
    // Three passes of 4 + 4 + 2 rows.
    for (let batch = 0; batch < 9; batch++) {
      const expected = Array.from(host.next());
      const { rows, order, start } = device.next();
      orders.add(order);
      expect(Array.from(rows)).toEqual(expected);
      const sliced = tf.slice(order, start, rows.length);
      expect(Array.from(sliced.dataSync())).toEqual(expected);
      sliced.dispose();
      // Only the current pass's order is held.
      expect(tf.memory().numTensors).toBe(before + 1);
    }
    expect(orders.size).toBe(3);
    device.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a batch that is not cut from the current pass', () => {
    const stream = new BatchStream(6, 4, 1);
    const first = stream.next();
    stream.next();
    stream.next();
    expect(() => stream.position(first)).toThrow(/current pass/);
  });
});
