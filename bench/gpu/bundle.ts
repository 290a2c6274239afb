/**
 * Bundles `npm run bench` (bench/run.ts and what it imports: tfjs, its wasm and webgpu backends,
 * the engine's kernels) into one ES module for a machine without Node.js's node_modules: the GPU
 * machine of issue 15, where bench/gpu/pack.sh's kit runs it. Usage:
 *   npx tsx bench/gpu/bundle.ts <output file>
 *
 * What stays outside the file, beside it in the kit: Dawn's binding `webgpu` (a native
 * dawn.node, loaded from node_modules/webgpu as it is here), tfjs-backend-wasm's .wasm files
 * (Emscripten reads them from the bundle's folder, `__dirname`), torchPeer.py (found beside the
 * bundle, `import.meta.dirname`), and tfjs-node, which is optional and absent there.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const output = process.argv[2];
if (output === undefined) throw new Error('Usage: tsx bench/gpu/bundle.ts <output file>');

/**
 * The engine loads CommonJS packages with `createRequire(import.meta.url)` (engine/tfjs.ts: a
 * third of the start-up of an ES import). esbuild bundles only calls to the free `require`, so
 * in the engine's own files that one line is dropped here: their `require('...')` calls then
 * name the bundler's require and their packages land in the bundle. A file of ours that stops
 * matching would silently leave its packages out; so a file that mentions createRequire without
 * the line is an error.
 */
const LOCAL_REQUIRE = 'const require = createRequire(import.meta.url);';
const bundleRequires: Plugin = {
  name: 'bundle-engine-requires',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/](src-main|src-shared|bench)[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('createRequire(')) return undefined;
      if (!source.includes(LOCAL_REQUIRE)) {
        throw new Error(`${args.path} uses createRequire without '${LOCAL_REQUIRE}'`);
      }
      return { contents: source.replace(LOCAL_REQUIRE, ''), loader: 'ts' };
    });
  },
};

/** Node's CommonJS names for the bundled CommonJS packages, defined once for the whole file. */
const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { dirname as __bundleDirname } from 'node:path';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __filename = __bundleFileURLToPath(import.meta.url);',
  'const __dirname = __bundleDirname(__filename);',
].join('\n');

const result = await build({
  entryPoints: [join(import.meta.dirname, '..', 'run.ts')],
  outfile: output,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  banner: { js: BANNER },
  plugins: [bundleRequires],
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`${output}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
