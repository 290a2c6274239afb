import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useTempDirs } from '../../helpers/tempDir';
import { transferlabPiped } from './cliProcess';

/**
 * Issue 13 as a user drives it: `transferlab models import | list | show | set | export |
 * delete`, with --json documents, clear refusals and exit codes.
 */

const tempDir = useTempDirs();
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'pretrained');

const Imported = z.object({
  alreadyImported: z.boolean(),
  model: z.object({ id: z.int(), name: z.string(), featureLayer: z.string() }),
});

describe('transferlab models', () => {
  it('imports, lists, shows, changes, exports and deletes a model', async () => {
    const w = tempDir();
    const ws = ['--workspace', w];
    const empty = await transferlabPiped(['models', ...ws]);
    expect(empty.stdout.toString()).toMatch(
      /No imported models\. Import one: transferlab models import/,
    );

    const imported = await transferlabPiped([
      'models',
      'import',
      join(FIXTURES, 'mlp.onnx'),
      '--name',
      'PyTorch MLP',
      '--scaling',
      'standardise',
      '--mean',
      '0.286',
      '--std',
      '0.353',
      '--json',
      ...ws,
    ]);
    expect(imported.code).toBe(0);
    const result = Imported.parse(JSON.parse(imported.stdout.toString()));
    expect(result).toMatchObject({ alreadyImported: false, model: { id: 1, name: 'PyTorch MLP' } });

    const list = await transferlabPiped(['models', ...ws]);
    expect(list.stdout.toString()).toMatch(
      /m1 +│ PyTorch MLP +│ onnx +│ \[784\] +│ hidden_1 \(64\)/,
    );

    const show = await transferlabPiped(['models', 'show', 'm1', ...ws]);
    expect(show.stdout.toString()).toMatch(
      /input: +rows of \[784\], \(x − \[0\.286\]\) \/ \[0\.353\]/,
    );
    expect(show.stdout.toString()).toMatch(
      /▸ hidden_1 +Dense +\[64\] relu +50,240 params +features/,
    );

    const renamed = await transferlabPiped([
      'models',
      'set',
      'PyTorch MLP',
      '--name',
      'mlp',
      ...ws,
    ]);
    expect(renamed.stdout.toString()).toMatch(/^m1 "mlp"/);

    const out = join(w, 'exported');
    const exported = await transferlabPiped([
      'models',
      'export',
      'mlp',
      '--format',
      'onnx',
      '--out',
      out,
      ...ws,
    ]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.toString()).toMatch(/Wrote .*mlp\.onnx/);
    expect(readFileSync(join(out, 'mlp.onnx')).length).toBeGreaterThan(200_000);

    const deleted = await transferlabPiped(['models', 'delete', 'm1', ...ws]);
    expect(deleted.stdout.toString()).toBe('Deleted model m1.\n');
    // Its files went with it.
    expect(readdirSync(join(w, 'models', 'imported'))).toEqual([]);
    const after = await transferlabPiped(['models', '--json', ...ws]);
    expect(JSON.parse(after.stdout.toString())).toEqual([]);
  });

  it('refuses a bad file or bad flags with a clear message and stores nothing', async () => {
    const w = tempDir();
    const ws = ['--workspace', w];
    const refused = await transferlabPiped([
      'models',
      'import',
      join(FIXTURES, 'unsupported.onnx'),
      ...ws,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /Cannot import .*unsupported\.onnx:\n {2}- files: The ONNX model uses operators Div, Erf, Mul/,
    );
    const flags = await transferlabPiped([
      'models',
      'import',
      join(FIXTURES, 'mlp.onnx'),
      '--mean',
      '0.5',
      ...ws,
    ]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/--mean and --std go with --scaling standardise/);
    const missing = await transferlabPiped([
      'models',
      'export',
      'm9',
      '--format',
      'onnx',
      '--out',
      w,
      ...ws,
    ]);
    expect(missing.stderr).toMatch(/No imported model "m9"/);
    const list = await transferlabPiped(['models', '--json', ...ws]);
    expect(JSON.parse(list.stdout.toString())).toEqual([]);
  });
});
