import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import { AppFailure } from '../../../src-shared/result';
import { useTempDirs } from '../../helpers/tempDir';
import { pretrainedFixture, pytorchInputs, pytorchOutputs } from '../../helpers/pretrainedFixtures';

/**
 * Issue 13 through the core, as every front door calls it: models converted in the models child
 * process, stored once by content hash, used as sources by the strategies that start from a
 * source model, scored before training, exported (ONNX checked in ONNX Runtime against
 * PyTorch's own outputs), and bad files refused with nothing stored.
 */

const tempDir = useTempDirs();
const fixture = pretrainedFixture;
const inputs = pytorchInputs;
const outputs = pytorchOutputs;

async function workspace(): Promise<{ core: Core; dir: string }> {
  const dir = tempDir();
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
  return { core, dir };
}

function storedModelDirs(dir: string): string[] {
  const root = join(dir, 'models', 'imported');
  return existsSync(root) ? readdirSync(root).filter((d) => !d.startsWith('.')) : [];
}

async function refusal(promise: unknown): Promise<AppFailure> {
  try {
    await Promise.resolve(promise);
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const fashion = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  dataset: 'fashion-mnist',
  samplesPerClass: 20,
  ...extra,
});

describe('imported models through the core', () => {
  it('imports the PyTorch CNN once, describes it, and refuses bad files storing nothing', async () => {
    const { core, dir } = await workspace();
    try {
      const { model, alreadyImported } = await core.handlers['models.import']({
        files: { kind: 'path', path: fixture('cnn.onnx') },
        name: 'cnn',
      });
      expect(alreadyImported).toBe(false);
      expect(model).toMatchObject({
        id: 1,
        name: 'cnn',
        format: 'onnx',
        producer: expect.stringMatching(/^pytorch 1\.13/) as unknown,
        operators: ['Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm'],
        parameters: 7018,
        input: { shape: [28, 28, 1], scaling: { kind: 'unit' } },
        featureLayer: 'hidden_1',
        featureSize: 576,
        outputUnits: 10,
        runs: 0,
        provenance: { opset: 13 },
      });
      expect(model.fileHash).toMatch(/^[0-9a-f]{64}$/);
      expect(model.bytes).toBeGreaterThan(28_000);
      expect(model.layers.filter((l) => l.role === 'features').map((l) => l.name)).toEqual([
        'hidden_1',
      ]);

      // The same file again: the model there is returned, nothing is stored twice.
      const again = await core.handlers['models.import']({
        files: { kind: 'path', path: fixture('cnn.onnx') },
      });
      expect(again).toMatchObject({ alreadyImported: true, model: { id: 1 } });
      expect(storedModelDirs(dir)).toHaveLength(1);
      expect(await core.handlers['models.get']({ ref: model.fileHash.slice(0, 8) })).toMatchObject({
        id: 1,
      });

      // Bad files: each refused with what is wrong, and nothing new stored.
      const bad = join(dir, 'bad');
      mkdirSync(bad);
      writeFileSync(
        join(bad, 'truncated.onnx'),
        readFileSync(fixture('mlp.onnx')).subarray(0, 5000),
      );
      const tfjsDir = join(bad, 'tfjs');
      mkdirSync(tfjsDir);
      writeFileSync(
        join(tfjsDir, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [] } },
          weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }],
        }),
      );
      const cases: [string, RegExp][] = [
        [fixture('unsupported.onnx'), /uses operators Div, Erf, Mul, which Transferlab cannot/],
        [join(bad, 'truncated.onnx'), /Not a readable ONNX model \(truncated or corrupt file\)/],
        [tfjsDir, /group1-shard1of1\.bin/],
        [join(bad, 'missing.onnx'), /No such file or folder/],
      ];
      for (const [path, message] of cases) {
        const e = await refusal(core.handlers['models.import']({ files: { kind: 'path', path } }));
        expect([e.message, ...(e.issues ?? []).map((i) => i.message)].join(' ')).toMatch(message);
      }
      expect((await core.handlers['models.list']({})).map((m) => m.id)).toEqual([1]);
      expect(storedModelDirs(dir)).toHaveLength(1);
    } finally {
      await core.close();
    }
  });

  it('exports an imported model to ONNX that gives PyTorch’s logits in ONNX Runtime, and to tfjs', async () => {
    const { core, dir } = await workspace();
    try {
      for (const name of ['mlp', 'cnn'] as const) {
        const { model } = await core.handlers['models.import']({
          files: { kind: 'path', path: fixture(`${name}.onnx`) },
        });
        const out = join(dir, `export-${name}`);
        const onnx = await core.handlers['models.export']({
          from: { kind: 'model', id: model.id },
          format: 'onnx',
          out,
        });
        const file = onnx.files[0]?.path;
        if (file === undefined) throw new Error('no file written');
        const session = await InferenceSession.create(readFileSync(file));
        const x = inputs[name];
        const shape = name === 'mlp' ? [x.length, 784] : [x.length, 1, 28, 28];
        const result = await session.run({
          input: new OrtTensor('float32', Float32Array.from(x.flat()), shape),
        });
        const logits = result.logits?.data;
        if (!(logits instanceof Float32Array)) throw new Error('no logits');
        const expected = outputs[name].flat();
        const maxDiff = Math.max(...expected.map((v, i) => Math.abs(v - (logits[i] ?? NaN))));
        expect(maxDiff).toBeLessThan(1e-4);

        const tfjs = await core.handlers['models.export']({
          from: { kind: 'model', id: model.id },
          format: 'tfjs',
          out,
        });
        expect(tfjs.files.map((f) => f.fileName).sort()).toEqual([
          `${name}.weights.bin`,
          'model.json',
        ]);
        // A tfjs export imports back as the same weights: the same file hash is not needed,
        // the same model is (tfjs format, its own hash).
        const back = await core.handlers['models.import']({
          files: { kind: 'path', path: out },
          name: `${name} round trip`,
        });
        expect(back.model).toMatchObject({
          format: 'tfjs',
          weightsHash: model.weightsHash,
          featureLayer: model.featureLayer,
        });
      }
      // Without `out` (a browser), the files come back in the answer.
      const inline = await core.handlers['models.export']({
        from: { kind: 'model', id: 1 },
        format: 'onnx',
      });
      expect(Buffer.from(inline.files[0]?.content ?? '', 'base64').length).toBe(
        inline.files[0]?.bytes,
      );
    } finally {
      await core.close();
    }
  });

  it('uses the imported MLP as the source of every strategy that starts from a source model', async () => {
    const { core } = await workspace();
    try {
      const { model } = await core.handlers['models.import']({
        files: { kind: 'path', path: fixture('mlp.onnx') },
        name: 'PyTorch MLP',
      });
      const spec = ExperimentSpecSchema.parse({
        name: 'from PyTorch',
        sources: [fashion('PyTorch MLP', { pretrained: { model: 'PyTorch MLP' } })],
        targets: [fashion('fashion inverted', { transform: { invert: true } })],
        strategies: [
          { id: 'scratch' },
          { id: 'fine-tune', params: { l2sp: 0.01 } },
          { id: 'feature-extraction' },
          { id: 'distillation' },
        ],
        budgets: [5],
        seeds: [0],
        model: { type: 'mlp', hidden: [32] },
        training: { epochs: 2, learningRate: 0.001, batchSize: 16, backend: 'wasm' },
      });
      const plan = await core.handlers['experiments.plan']({ spec, estimate: 'none' });
      expect(plan.sourceRuns).toBe(0);

      // Scored before any training: the imported model needs no source run.
      const estimate = await core.handlers['transferability.estimate']({ spec });
      expect(estimate.pairs[0]?.estimate).toMatchObject({
        status: 'scored',
        sourceRunId: null,
        modelId: model.id,
      });

      const { runIds } = await core.handlers['experiments.create']({ spec });
      expect(runIds).toHaveLength(4);
      await core.waitForRuns(runIds);
      const runs = [];
      for (const id of runIds) runs.push(await core.handlers['runs.get']({ id }));
      for (const run of runs) {
        expect([run.strategy, run.status, run.error]).toEqual([run.strategy, 'completed', null]);
      }
      const fineTune = runs.find((r) => r.strategy === 'fine-tune');
      expect(fineTune?.config.sourceDomain?.pretrained).toEqual({
        model: model.fileHash,
        featureLayer: 'hidden_1',
        input: { shape: [784], scaling: { kind: 'unit' } },
      });
      expect(fineTune?.dependsOn ?? null).toBeNull();
      // The run page names the imported model it started from, and its weights.
      expect(fineTune?.importedSource).toEqual({ id: model.id, name: 'PyTorch MLP' });
      expect(fineTune?.sourceModelHash).toBe(model.weightsHash);
      expect((await core.handlers['models.get']({ ref: 'm1' })).runs).toBe(3);

      // A model a run records cannot be deleted.
      const e = await refusal(core.handlers['models.delete']({ id: model.id }));
      expect(e.message).toMatch(/source of 3 run/);
    } finally {
      await core.close();
    }
  });

  it('refuses, when planned, what an imported source cannot do', async () => {
    const { core } = await workspace();
    try {
      await core.handlers['models.import']({
        files: { kind: 'path', path: fixture('cnn.onnx') },
        name: 'cnn',
      });
      const base = {
        name: 'refused',
        sources: [fashion('cnn', { pretrained: { model: 'cnn' } })],
        targets: [fashion('fashion')],
        strategies: [{ id: 'fine-tune' }],
        budgets: [5],
        model: { type: 'mlp', hidden: [16] },
        training: { epochs: 1, learningRate: 0.001, batchSize: 16, backend: 'wasm' },
      };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ strategies: [{ id: 'structure' }] }, /structure transfer rebuilds/],
        [
          { sources: [fashion('cnn', { classes: [0, 1, 2], pretrained: { model: 'cnn' } })] },
          /has 10 output\(s\) and the domain "cnn" 3 classes/,
        ],
        [
          {
            targets: [
              {
                name: 'tabular',
                dataset: {
                  generator: 'linear-binary',
                  features: 20,
                  samples: 100,
                  taskSeed: 1,
                  angleDeg: 0,
                  noise: 0.1,
                },
              },
            ],
          },
          /takes \[28, 28, 1\]; only images are resized/,
        ],
        [
          { sources: [fashion('cnn', { pretrained: { model: 'nope' } })] },
          /no model "nope"; imported: m1 "cnn"/,
        ],
        [
          { sources: [fashion('cnn', { pretrained: { model: 'cnn', featureLayer: 'conv_1' } })] },
          /conv_1 cannot be the feature layer of m1; it can be: hidden_1/,
        ],
        [
          { targets: [fashion('t', { pretrained: { model: 'cnn' } })] },
          /only a source can name an imported model/,
        ],
      ];
      for (const [change, message] of cases) {
        const e = await refusal(
          core.handlers['experiments.plan']({ spec: { ...base, ...change }, estimate: 'none' }),
        );
        expect([e.message, ...(e.issues ?? []).map((i) => i.message)].join(' ')).toMatch(message);
      }
      // Digits (8×8) are images: resized to the CNN's 28×28, as any image source is.
      const digits = await core.handlers['experiments.plan']({
        spec: { ...base, targets: [{ name: 'digits', dataset: 'digits' }] },
        estimate: 'none',
      });
      expect(digits.transferRuns).toBe(1);
    } finally {
      await core.close();
    }
  });
});
