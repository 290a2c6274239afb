import { describe, expect, it } from 'vitest';
import { parseReportCsv, renderCsv } from '../../../src-main/reports/csv';
import { escapeHtml } from '../../../src-main/reports/escape';
import { renderHtml } from '../../../src-main/reports/html';
import { escapeLatex, renderLatex } from '../../../src-main/reports/latex';
import { escapeMarkdown, renderMarkdown } from '../../../src-main/reports/markdown';
import { reportContext } from '../../../src-main/reports/reportContext';
import { devicesTable } from '../../../src-main/reports/tables';
import type { Comparison } from '../../../src-shared/rpc/compare';
import { H100_DEVICE, LAVAPIPE_DEVICE } from '../../helpers/runDevices';
import { comparisonFixture } from './fixture';

/**
 * Issue 15: a report names the device each run computed on, and lists each device once with
 * what its adapter reported and its limits. The fixture's runs: the first three on lavapipe
 * (webgpu), the next on an H100 (webgpu), the rest recorded before devices were (wasm).
 */
function comparisonOnDevices(): Comparison {
  const c = comparisonFixture();
  c.runs = c.runs.map((r, i) =>
    i < 3
      ? { ...r, backend: 'webgpu', device: LAVAPIPE_DEVICE }
      : i === 3
        ? { ...r, backend: 'webgpu', device: H100_DEVICE }
        : { ...r, backend: 'wasm', device: null },
  );
  return c;
}

const LAVAPIPE = 'llvmpipe-llvm-15-0-6-256-bits- (software GPU)';
const H100 = 'NVIDIA H100 80GB HBM3 (nvidia, hopper)';

describe('devices in reports (issue 15)', () => {
  const c = comparisonOnDevices();
  const unrecorded = c.runs.length - 4;

  it('lists each device once, with its adapter and limits, and counts the runs without one', () => {
    const table = devicesTable(c);
    expect(table.rows.map((r) => r[0])).toEqual([LAVAPIPE, H100, 'not recorded']);
    expect(table.rows[0]).toEqual([
      LAVAPIPE,
      'software-gpu',
      'webgpu',
      '3',
      'mesa',
      'software',
      'llvmpipe-llvm-15-0-6-256-bits-',
      'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
      'yes',
      'max buffer 4 GiB · max storage binding 128 MiB · workgroup storage 32 KiB · ' +
        'invocations per workgroup 1024 · workgroup size x 1024',
    ]);
    expect(table.rows[1]?.slice(1, 6)).toEqual(['gpu', 'webgpu', '1', 'nvidia', 'hopper']);
    expect(table.rows[1]?.[8]).toBe('no');
    expect(table.rows[2]?.slice(0, 4)).toEqual(['not recorded', '', 'wasm', String(unrecorded)]);
  });

  it('shows the Environment section and each run’s device in Markdown', () => {
    const md = renderMarkdown(c, reportContext(c, 'md', 'Devices'));
    expect(md).toContain('## Environment');
    const environment = md.slice(md.indexOf('## Environment'), md.indexOf('## Runs'));
    // Once in the Environment section, though three runs computed on it.
    const description = escapeMarkdown('llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1');
    expect(environment.split(description)).toHaveLength(2);
    expect(environment).toContain('NVIDIA H100 80GB HBM3');
    const runs = md.slice(md.indexOf('## Runs'));
    expect(runs).toContain('| device |');
    expect(runs.split(`webgpu on ${LAVAPIPE}`)).toHaveLength(4);
    expect(runs).toContain('wasm (device not recorded)');
  });

  it('shows the Environment section, linked from the contents, and the devices in HTML', () => {
    const html = renderHtml(c, reportContext(c, 'html', 'Devices'));
    expect(html).toContain('<li><a href="#environment">environment</a></li>');
    const start = html.indexOf('id="environment"');
    expect(start).toBeGreaterThan(0);
    const environment = html.slice(start, html.indexOf('id="runs"'));
    expect(environment).toContain(escapeHtml(LAVAPIPE));
    expect(environment).toContain(
      escapeHtml('llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1'),
    );
    expect(environment).toContain('max storage binding 128 MiB');
    expect(environment).toContain(escapeHtml(H100));
    expect(html.slice(html.indexOf('id="runs"'))).toContain(escapeHtml(`webgpu on ${H100}`));
  });

  it('says in LaTeX what the runs computed on, and writes the device per run in the CSV', () => {
    const tex = renderLatex(c, reportContext(c, 'tex', 'Devices'));
    expect(tex).toContain(
      escapeLatex(
        `Computed on llvmpipe-llvm-15-0-6-256-bits- (software GPU) (webgpu, 3 runs); ` +
          `NVIDIA H100 80GB HBM3 (nvidia, hopper) (webgpu, 1 run); ${unrecorded} run${unrecorded === 1 ? '' : 's'} recorded no device.`,
      ),
    );
    const runs = parseReportCsv(renderCsv(c)).get('runs');
    const col = (name: string): number => runs?.header.indexOf(name) ?? -1;
    expect(
      runs?.rows.map((r) => [r[col('backend')], r[col('device')], r[col('device_kind')]]),
    ).toEqual(
      c.runs.map((r, i) =>
        i < 3
          ? ['webgpu', LAVAPIPE, 'software-gpu']
          : i === 3
            ? ['webgpu', H100, 'gpu']
            : ['wasm', '', ''],
      ),
    );
  });
});
