import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src-main/core/paths';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const BIN = join(projectRoot(), 'bin', 'transferlab.js');

function transferlab(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Two blobs of points, labelled by which one they belong to. */
function blobsCsv(rows: number): string {
  const lines = ['x1,x2,kind,label'];
  for (let i = 0; i < rows; i++) {
    const c = i % 2;
    lines.push(
      `${(c * 4 + Math.sin(i)).toFixed(3)},${(c * 3 + Math.cos(i * 1.3)).toFixed(3)},${i % 3 === 0 ? 'a' : 'b'},${c === 0 ? 'small' : 'large'}`,
    );
  }
  return lines.join('\n');
}

describe('transferlab datasets', () => {
  it('imports a CSV (--json: one document), lists it, trains on it, and refuses bad input with exit 2', async () => {
    const workspace = tempDir();
    const csv = join(tempDir(), 'blobs.csv');
    writeFileSync(csv, blobsCsv(120));
    const imported = await transferlab([
      'datasets',
      'import',
      csv,
      '--workspace',
      workspace,
      '--json',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(imported.stdout) as {
      reused: boolean;
      dataset: { name: string; samples: number; featureShape: number[] };
    };
    expect(doc).toMatchObject({
      reused: false,
      dataset: { name: 'blobs', samples: 120, featureShape: [4] },
    });

    const again = await transferlab(['datasets', 'import', csv, '--workspace', workspace]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Already imported: "blobs"/);

    const listed = await transferlab(['datasets', '--workspace', workspace, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const names = (JSON.parse(listed.stdout) as { name: string; kind: string }[]).map(
      (d) => `${d.name}:${d.kind}`,
    );
    expect(names).toContain('blobs:imported');

    const spec = join(workspace, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'on an import',
        sources: [{ name: 'S', dataset: 'blobs' }],
        targets: [
          { name: 'T', dataset: 'blobs', transform: { shift: [1, 0, 0, 0], noiseStd: 0.1 } },
        ],
        strategies: [{ id: 'fine-tune' }],
        budgets: [10],
        seeds: [0],
        model: { type: 'mlp', hidden: [8] },
        training: { epochs: 2, learningRate: 0.05, batchSize: 16, backend: 'cpu' },
      }),
    );
    const run = await transferlab(['run', spec, '--workspace', workspace, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const runs = (JSON.parse(run.stdout) as { runs: { status: string }[] }).runs;
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);

    const bad = join(tempDir(), 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,0\n3,,1\n');
    const refused = await transferlab([
      'datasets',
      'import',
      bad,
      '--workspace',
      workspace,
      '--json',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/line 3, column "b": missing value/);

    const wrongFlag = await transferlab([
      'datasets',
      'import',
      csv,
      '--width',
      '8',
      '--workspace',
      workspace,
    ]);
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toMatch(/do not apply to the csv format[\s\S]*--width/);
  });
});
