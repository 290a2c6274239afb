import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { compareWorkspace } from './compareWorkspace';

/**
 * A workspace folder the server can open, with a finished sweep and no training to wait for
 * (the Runs grid e2e test and its screenshots): compareWorkspace's runs, from `digits 0-4` to
 * `digits 0-4 rot20`, plus fine-tune runs with distinct learning rates and λ, for the query
 * and parameter columns. Returns the ids of the λ runs.
 */
export function runsGridWorkspace(dir: string): { lambdaRuns: number[] } {
  const ws = compareWorkspace(dir, {
    experiment: 'Rotation sweep',
    source: 'digits 0-4',
    target: 'digits 0-4 rot20',
  });
  const lambdaRuns = [0.001, 0.01, 0.1].map((lambda, seed) =>
    ws.addRun({
      experimentId: 2,
      strategy: 'mmd',
      variant: `mmd · λ=${lambda}`,
      budget: 10,
      seed,
      value: 0.8 + seed * 0.05,
      strategyParams: { lambda },
    }),
  );
  // The sweep's learning rates differ by strategy, as a researcher's would.
  ws.db
    .prepare(
      `UPDATE runs SET config = json_set(config, '$.training.learningRate',
         CASE strategy WHEN 'fine-tune' THEN 0.0005 WHEN 'mmd' THEN 0.0002 ELSE 0.001 END)`,
    )
    .run();
  ws.db.close();
  // The server opens transferlab.sqlite (core.ts); the store helpers write w.sqlite.
  renameSync(join(dir, 'w.sqlite'), join(dir, 'transferlab.sqlite'));
  return { lambdaRuns };
}
