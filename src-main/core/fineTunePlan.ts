import type { TrainingSpec } from '../../src-shared/domain/training';

/**
 * Plan-time checks of fine-tune's head options (issue 17), so that a spec is refused when it is
 * planned, not when its runs start: the engine (strategies/fineTune.ts) checks them again.
 * - keepSourceHead keeps the source's output layer, whose outputs mean the source's classes: the
 *   target must have the same classes in the same order.
 * - headInitScale scales a new head, which keepSourceHead does not make.
 * - probeEpochs must leave epochs to fine-tune in (LP-FT: a probe, then fine-tuning).
 */
export function fineTuneProblems(
  where: string,
  params: Readonly<Record<string, number | boolean>>,
  training: Pick<TrainingSpec, 'epochs'>,
  pairs: readonly {
    source: number;
    target: number;
    sourceClasses: number[];
    targetClasses: number[];
  }[],
): string[] {
  const problems: string[] = [];
  if (params.keepSourceHead === true) {
    if (params.headInitScale !== undefined && params.headInitScale !== 1) {
      problems.push(
        `${where}: headInitScale scales a new head, and keepSourceHead keeps the source's`,
      );
    }
    for (const p of pairs) {
      const same =
        p.sourceClasses.length === p.targetClasses.length &&
        p.sourceClasses.every((label, c) => label === p.targetClasses[c]);
      if (!same) {
        problems.push(
          `${where}: keepSourceHead keeps the source's output layer, but source ${p.source} has ` +
            `classes [${p.sourceClasses.join(', ')}] and target ${p.target} ` +
            `[${p.targetClasses.join(', ')}]: it needs the same classes in the same order`,
        );
      }
    }
  }
  const probe = params.probeEpochs;
  if (typeof probe === 'number' && probe > 0 && probe >= training.epochs) {
    problems.push(
      `${where}: probeEpochs ${probe} leaves none of the ${training.epochs} epochs to fine-tune ` +
        '(LP-FT probes first, then fine-tunes; for a probe alone use feature-extraction)',
    );
  }
  return problems;
}
