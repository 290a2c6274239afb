import { Matrix } from 'ml-matrix';

/**
 * The inputs every transferability score takes, and their checks. The caller runs the source
 * model on the target data and passes plain numbers; nothing here touches tfjs, so the scores are
 * pure functions that a test can feed hand-written arrays.
 */

/** A matrix as its rows: `number[][]`, or an array of typed-array rows. */
export type MatrixRows = readonly ArrayLike<number>[];

/**
 * A matrix in one row-major buffer, e.g. `{ data: await t.data(), rows: t.shape[0], cols:
 * t.shape[1] }` for a tfjs Tensor2D.
 */
export interface FlatMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/** Either form of an n×m matrix: n samples, one row each. */
export type MatrixInput = MatrixRows | FlatMatrix;

/** Target labels, one integer in 0..K−1 per sample. */
export type LabelsInput = ArrayLike<number>;

/**
 * Copies `input` into a float64 ml-matrix, refusing ragged rows, empty matrices and non-finite
 * entries (float32 model outputs are widened here, as the reference implementations do with
 * `astype(np.float64)`).
 */
export function toMatrix(input: MatrixInput, name: string): Matrix {
  let rows: number;
  let cols: number;
  let at: (i: number, j: number) => number;
  if ('data' in input) {
    ({ rows, cols } = input);
    const { data } = input;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new Error(`${name}: rows and cols must be non-negative integers`);
    }
    if (data.length !== rows * cols) {
      throw new Error(`${name}: ${data.length} values do not fill ${rows}×${cols}`);
    }
    at = (i, j) => data[i * cols + j] ?? Number.NaN;
  } else {
    rows = input.length;
    cols = input[0]?.length ?? 0;
    for (let i = 0; i < rows; i++) {
      const len = input[i]?.length;
      if (len !== cols) throw new Error(`${name}: row ${i} has ${len} values, row 0 has ${cols}`);
    }
    at = (i, j) => input[i]?.[j] ?? Number.NaN;
  }
  if (rows === 0 || cols === 0) throw new Error(`${name}: the matrix is empty (${rows}×${cols})`);
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = at(i, j);
      if (!Number.isFinite(v)) throw new Error(`${name}: entry (${i}, ${j}) is ${v}`);
      m.set(i, j, v);
    }
  }
  return m;
}

/** Labels checked against the sample count, and the number of classes K they range over. */
export interface CheckedLabels {
  readonly labels: Int32Array;
  readonly numClasses: number;
}

/**
 * Checks that there is one integer label in 0..K−1 per sample. K is `numClasses` when given,
 * otherwise max(label) + 1 (the reference implementations' `int(y.max() + 1)`).
 */
export function checkLabels(
  input: LabelsInput,
  numSamples: number,
  numClasses: number | undefined,
  name = 'labels',
): CheckedLabels {
  if (input.length !== numSamples) {
    throw new Error(`${name}: ${input.length} labels for ${numSamples} samples`);
  }
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new Error(`${name}: the number of classes must be a positive integer, got ${numClasses}`);
  }
  const labels = new Int32Array(numSamples);
  let max = -1;
  for (let i = 0; i < numSamples; i++) {
    const y = input[i] ?? Number.NaN;
    if (!Number.isInteger(y) || y < 0 || (numClasses !== undefined && y >= numClasses)) {
      const range = numClasses === undefined ? 'a non-negative integer' : `in 0..${numClasses - 1}`;
      throw new Error(`${name}: label ${i} is ${y}, not ${range}`);
    }
    labels[i] = y;
    if (y > max) max = y;
  }
  return { labels, numClasses: numClasses ?? max + 1 };
}

/**
 * Source-model class probabilities θ(x_i): a row per sample, non-negative and summing to 1
 * (a softmax output, or [1 − p, p] for a single sigmoid unit: engine/model.ts `probabilities`
 * gives that form for every head). Logits or a lone sigmoid column are refused, since LEEP and
 * NCE would silently compute nonsense from them.
 */
export function toProbabilities(input: MatrixInput, name = 'probs'): Matrix {
  const m = toMatrix(input, name);
  if (m.columns < 2) {
    throw new Error(
      `${name}: ${m.columns} column; pass a distribution over at least two source classes ` +
        '(for a single sigmoid unit p, the rows [1 − p, p])',
    );
  }
  for (let i = 0; i < m.rows; i++) {
    let sum = 0;
    for (let z = 0; z < m.columns; z++) {
      const p = m.get(i, z);
      if (p < 0)
        throw new Error(
          `${name}: θ(x_${i}) has a negative entry ${p}; pass probabilities, not logits`,
        );
      sum += p;
    }
    // float32 softmax rows sum to 1 within a few ulps of 1e-7; logits miss by far more.
    if (Math.abs(sum - 1) > 1e-4) {
      throw new Error(`${name}: row ${i} sums to ${sum}, not 1; pass probabilities, not logits`);
    }
  }
  return m;
}
