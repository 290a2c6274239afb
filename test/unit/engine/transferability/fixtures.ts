/**
 * A tiny fixed data set with published-code reference values: 8 samples, D = 3 features,
 * K = 3 target classes. The numbers below were produced by the authors' reference code run in
 * float64 with numpy 2.4.6 / scipy 1.17.1:
 * - LogME: github.com/thuml/LogME, LogME.py, `LogME()._fit_icml(F, y)` (its `each_evidence`
 *   without the numba decorator);
 * - H-score: the common numpy formulation (`getCov` with 1/(n−1) and
 *   `np.trace(np.linalg.pinv(Covf, rcond=1e-15) @ Covg)`), run on the same arrays.
 */
export const features = [
  [1.0, 0.2, -0.5],
  [0.9, -0.1, 0.3],
  [1.2, 0.4, 0.1],
  [-0.8, 1.1, 0.2],
  [-1.0, 0.9, -0.3],
  [-0.7, 1.3, 0.4],
  [0.1, -0.9, 1.2],
  [-0.2, -1.1, 0.8],
];
export const labels = [0, 0, 0, 1, 1, 1, 2, 2];

export const referenceLogMe = {
  score: -0.5872629855576346,
  perClass: [
    { evidence: -0.7307429425217444, alpha: 4.99566431083647, beta: 8.637880223944578, steps: 5 },
    { evidence: -0.5343564350293803, alpha: 5.872877005015908, beta: 14.320213612301469, steps: 4 },
    { evidence: -0.496689579121779, alpha: 8.829805598634513, beta: 13.158245829309033, steps: 4 },
  ],
};

export const referenceHScore = 1.9414268353217172;
