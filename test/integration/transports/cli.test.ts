import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { useTempDirs } from '../../helpers/tempDir';
import { tinySpec as makeTinySpec } from '../../helpers/tinySpec';
import { transferlab } from '../../helpers/transferlabCli';

const tempDir = useTempDirs();

const tinySpec = makeTinySpec('cli test');

describe('bin/transferlab.js', () => {
  it('run --json prints exactly one JSON document on stdout and progress on stderr', async () => {
    const workspace = tempDir();
    const spec = join(workspace, 'spec.json');
    writeFileSync(spec, JSON.stringify(tinySpec));
    const result = await transferlab(['run', spec, '--workspace', workspace, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      experimentId: number;
      runs: {
        status: string;
        kind: string;
        variant: string;
        finalMetrics: Record<string, number | null>;
      }[];
      timing: { wallSeconds: number | null; estimatedWallSeconds: number | null };
    };
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(doc).sort()).toEqual(['experimentId', 'runs', 'timing']);
    expect(doc.runs.map((r) => r.kind)).toEqual(['source', 'transfer', 'transfer']);
    expect(doc.runs.map((r) => r.variant)).toEqual(['source', 'scratch', 'fine-tune']);
    for (const run of doc.runs) {
      expect(run.status).toBe('completed');
      expect(Object.keys(run).sort()).toEqual([
        'finalMetrics',
        'id',
        'kind',
        'seed',
        'status',
        'strategy',
        'variant',
      ]);
      expect(run.finalMetrics).toHaveProperty('test_acc');
    }
    // The real time beside the plan's estimate: a fresh workspace had measured nothing to
    // estimate from.
    expect(doc.timing.wallSeconds).toBeGreaterThan(0);
    expect(doc.timing.estimatedWallSeconds).toBeNull();
    expect(result.stderr).toMatch(/run #\d+ epoch 2\/2 loss=/);

    const listed = await transferlab([
      'runs',
      '--workspace',
      workspace,
      '--json',
      '--experiment',
      String(doc.experimentId),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(3);

    const table = await transferlab(['runs', '--workspace', workspace]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('source → target');
    expect(table.stdout).toContain('A → B');
    expect(table.stdout).toMatch(/│ strategy +│ variant +│/);
    expect(table.stdout).toMatch(/│ transfer +│ fine-tune +│ fine-tune +│ A → B/);

    // The table `run` prints: every run, then per variant, then the time beside the estimate
    // (this workspace has measured runs now, so the plan estimated this one).
    const l2sp = {
      ...tinySpec,
      strategies: [{ id: 'fine-tune' }, { id: 'fine-tune', params: { l2sp: 0.01 } }],
    };
    writeFileSync(spec, JSON.stringify(l2sp));
    const text = await transferlab(['run', spec, '--workspace', workspace]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('By variant (mean ± std over seeds):');
    expect(text.stdout).toMatch(
      /│ fine-tune +│ fine-tune +│ A → B +│ 10 +│ 1\/1 +│ \d{1,3}\.\d{2} \(n=1\)/,
    );
    expect(text.stdout).toMatch(
      /│ fine-tune · l2sp λ=0\.01 +│ fine-tune +│ A → B +│ 10 +│ 1\/1 +│ \d{1,3}\.\d{2} \(n=1\)/,
    );
    expect(text.stdout).toMatch(/\nWall time: \d+(\.\d)? s; the plan estimated \d/);
    // Piped output is plain text: no colour escapes.
    expect(table.stdout).not.toContain('\u001b[');
  });

  it('run exits 2 on a bad spec and prints nothing on stdout', async () => {
    const workspace = tempDir();
    const spec = join(workspace, 'spec.json');
    writeFileSync(spec, JSON.stringify({ ...tinySpec, seeds: [-1], strategies: [{ id: 'nope' }] }));
    const result = await transferlab(['run', spec, '--workspace', workspace, '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/- seeds\.0: /);
    expect(result.stderr).toMatch(/- strategies\.0\.id: /);
  });

  // `serve` builds the renderer itself when out/renderer is missing, as on a fresh clone.
  it('serve prints the URL, serves the page and the RPC, and stops on SIGINT', async () => {
    const workspace = tempDir();
    // Set from the stdout callback; an object so the later `await` sees the assignment.
    const checks: { done: Promise<void> | null } = { done: null };
    const result = await transferlab(
      ['serve', '--port', '0', '--workspace', workspace],
      (stdout, child) => {
        if (checks.done !== null || !stdout.includes('\n')) return;
        checks.done = (async () => {
          const url = new URL(stdout.trim());
          expect(url.hostname).toBe('127.0.0.1');
          const page = await fetch(url);
          expect(page.status).toBe(200);
          expect(await page.text()).toContain('<div id="app">');
          const ws = new WebSocket(
            `ws://${url.host}/rpc?token=${url.searchParams.get('token') ?? ''}`,
            {
              origin: url.origin,
            },
          );
          const answer = await new Promise<string>((resolve, reject) => {
            ws.once('open', () => {
              ws.send(JSON.stringify({ id: 1, method: 'app.info', input: {} }));
            });
            ws.once('message', (data: Buffer) => {
              resolve(data.toString());
            });
            ws.once('error', reject);
          });
          ws.close();
          expect(JSON.parse(answer)).toMatchObject({
            id: 1,
            result: { ok: true, value: { workspace, transport: 'websocket' } },
          });
        })().finally(() => child.kill('SIGINT'));
      },
    );
    await checks.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });
});
