"""The reference weights of the 1-D kernel-mean-matching test (issue 12, point 6).

Run with Debian's interpreter: /usr/bin/python3 bench/reference/kmm_qp_reference.py
(python3-numpy and python3-scipy). Builds the quadratic program of KMM (Huang, Smola, Gretton,
Borgwardt and Schölkopf 2007, "Correcting Sample Selection Bias by Unlabeled Data", NIPS 19),

    minimise ½βᵀKβ − κᵀβ   subject to β_i ∈ [0, B], |Σ_i β_i − n_S| ≤ n_S·ε,

for the example of test/unit/engine/losses/kmm.test.ts, in float64 as the test does: 21 source
points 0, 0.5, ..., 10, 20 target points 0.5 + 0.5·z_j (z_j the normal quantiles below, rounded
to two decimals), a Gaussian kernel of width σ = 3, B = 10 (the kmm strategy's default) and
ε = (√n_S − 1)/√n_S (the default of kmmWeights).

Two of SciPy's solvers (SLSQP and trust-constr) solve it; their answers give the active set (the
β_i at 0 or B, and whether the sum constraint binds), on which the optimum is the solution of a
linear system: K_FF·β_F = κ_F − K_FU·B·1 (+ the sum's multiplier when it binds), solved exactly
(up to rounding) by numpy. The script checks that this point satisfies every KKT condition
(feasible, multipliers of the right sign) and prints it, with the solvers' distances from it.
"""

import json
import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, minimize

Z = [-1.96, -1.44, -1.15, -0.93, -0.76, -0.6, -0.45, -0.32, -0.19, -0.06,
     0.06, 0.19, 0.32, 0.45, 0.6, 0.76, 0.93, 1.15, 1.44, 1.96]
SOURCE = np.array([i / 2 for i in range(21)])
TARGET = np.array([0.5 + 0.5 * z for z in Z])
SIGMA = 3.0
BOUND = 10.0


def kernel(a, b):
    return np.exp(-((a[:, None] - b[None, :]) ** 2) / (2 * SIGMA * SIGMA))


def main():
    ns, nt = len(SOURCE), len(TARGET)
    k = kernel(SOURCE, SOURCE)
    kappa = (ns / nt) * kernel(SOURCE, TARGET).sum(axis=1)
    eps = (math.sqrt(ns) - 1) / math.sqrt(ns)
    lo, hi = ns * (1 - eps), ns * (1 + eps)

    def f(b):
        return 0.5 * b @ k @ b - kappa @ b

    def g(b):
        return k @ b - kappa

    box = Bounds(0, BOUND)
    total = [LinearConstraint(np.ones((1, ns)), lo, hi)]
    slsqp = minimize(f, np.ones(ns), jac=g, method="SLSQP", bounds=box, constraints=total,
                     options={"maxiter": 10000, "ftol": 1e-15}).x
    trust = minimize(f, np.ones(ns), jac=g, hess=lambda b: k, method="trust-constr", bounds=box,
                     constraints=total, options={"maxiter": 20000, "gtol": 1e-12, "xtol": 1e-14}).x

    # The active set, from SLSQP's answer; then the exact optimum on it.
    at_zero = slsqp < 1e-6
    at_bound = slsqp > BOUND - 1e-6
    free = ~(at_zero | at_bound)
    s = slsqp.sum()
    sum_binds = s < lo + 1e-6 or s > hi - 1e-6
    beta = np.where(at_bound, BOUND, 0.0)
    kff = k[np.ix_(free, free)]
    rhs = kappa[free] - k[np.ix_(free, at_bound)] @ beta[at_bound]
    mu = 0.0
    if sum_binds:
        goal = (lo if s < lo + 1e-6 else hi) - beta[at_bound].sum()
        m = free.sum()
        system = np.block([[kff, np.ones((m, 1))], [np.ones((1, m)), np.zeros((1, 1))]])
        sol = np.linalg.solve(system, np.append(rhs, goal))
        beta[free], mu = sol[:m], sol[m]
    else:
        beta[free] = np.linalg.solve(kff, rhs)

    # KKT: g_i + μ = 0 where 0 < β_i < B, ≥ 0 at 0, ≤ 0 at B; μ ≥ 0 only at Σβ = hi, ≤ 0 at lo.
    r = g(beta) + mu
    residual = max(
        np.abs(r[free]).max(initial=0),
        np.maximum(0, -r[at_zero]).max(initial=0),
        np.maximum(0, r[at_bound]).max(initial=0),
    )
    assert np.all(beta[free] > 0) and np.all(beta[free] < BOUND), "not in the box"
    assert lo - 1e-9 <= beta.sum() <= hi + 1e-9, "the sum is out of range"
    assert residual < 1e-9, f"KKT residual {residual}"
    print(json.dumps({
        "beta": [float(f"{b:.10g}") for b in beta],
        "objective": float(f(beta)),
        "kktResidual": float(residual),
        "sumMultiplier": float(mu),
        "smallestEigenvalueOfK_FF": float(np.linalg.eigvalsh(kff)[0]),
        "slsqpMaxAbsDifference": float(np.abs(slsqp - beta).max()),
        "trustConstrMaxAbsDifference": float(np.abs(trust - beta).max()),
    }, indent=1))


if __name__ == "__main__":
    main()
