import type { TrainingSpec } from '../../src-shared/domain/training';
import type { Issue } from '../../src-shared/result';

/**
 * Plan-time checks of fine-tune's head options (issue 17), so that a spec is refused when it is
 * planned, not when its runs start: the engine (strategies/fineTune.ts) checks them again.
 * - keepSourceHead keeps the source's output layer, whose outputs mean the source's classes: the
 *   target must have the same classes in the same order.
 * - headInitScale scales a new head, which keepSourceHead does not make.
 * - probeEpochs must leave epochs to fine-tune in (LP-FT: a probe, then fine-tuning).
 * Each problem is at the parameter to change (`<where>.params.<key>`).
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
): Issue[] {
  const problems: Issue[] = [];
  const at = (key: string, message: string): void => {
    problems.push({ path: `${where}.params.${key}`, message });
  };
  if (params.keepSourceHead === true) {
    if (params.headInitScale !== undefined && params.headInitScale !== 1) {
      at('headInitScale', "headInitScale scales a new head, and keepSourceHead keeps the source's");
    }
    for (const p of pairs) {
      const same =
        p.sourceClasses.length === p.targetClasses.length &&
        p.sourceClasses.every((label, c) => label === p.targetClasses[c]);
      if (!same) {
        at(
          'keepSourceHead',
          `keepSourceHead keeps the source's output layer, but source ${p.source} has ` +
            `classes [${p.sourceClasses.join(', ')}] and target ${p.target} ` +
            `[${p.targetClasses.join(', ')}]: it needs the same classes in the same order`,
        );
      }
    }
  }
  const probe = params.probeEpochs;
  if (typeof probe === 'number' && probe > 0 && probe >= training.epochs) {
    at(
      'probeEpochs',
      `probeEpochs ${probe} leaves none of the ${training.epochs} epochs to fine-tune ` +
        '(LP-FT probes first, then fine-tunes; for a probe alone use feature-extraction)',
    );
  }
  return problems;
}
