import type { DomainSpec } from '../../src-shared/domain/experimentSpec';
import { AppFailure, issueUnder } from '../../src-shared/result';
import { transformProblems } from '../engine/data/transform';
import { resolveDataset } from '../store/datasetResolver';
import type { Db } from '../store/db';
import type { PlannedDomain } from './experimentPlan';
import { resolveModelRef } from './modelRef';

/**
 * A spec's domain as a plan needs it: its dataset, and for a source that names an imported model
 * (`pretrained`) that model, with the spec rewritten to what the runs record: the model's file
 * hash, the feature layer and the input contract (the model's own unless the spec sets them).
 */
export function resolvePlannedDomain(db: Db, d: DomainSpec, where: string): PlannedDomain {
  const dataset = resolveDataset(db, d.dataset);
  // Rotation on a table or a shift on images would only fail later, in the trainer.
  const problems = transformProblems(d.transform, dataset.featureShape);
  if (problems.length > 0) {
    throw new AppFailure(
      'invalid_input',
      `Domain "${d.name}": the transform does not fit dataset "${dataset.name}".`,
      problems.map((issue) => issueUnder(where, issue)),
    );
  }
  if (d.pretrained === undefined) return { spec: d, dataset };
  const model = resolveModelRef(db, d.pretrained.model, `${where}.pretrained.model`);
  const featureLayer = d.pretrained.featureLayer ?? model.featureLayer;
  const layer = model.layers.find((l) => l.name === featureLayer);
  if (layer?.canBeFeatures !== true) {
    const allowed = model.layers.filter((l) => l.canBeFeatures).map((l) => l.name);
    throw new AppFailure('invalid_input', `Model m${model.id} cannot be cut at ${featureLayer}.`, [
      {
        path: `${where}.pretrained.featureLayer`,
        message: `${featureLayer} cannot be the feature layer of m${model.id}; it can be: ${allowed.join(', ')}`,
      },
    ]);
  }
  const input = d.pretrained.input ?? model.input;
  if (input.shape.join(',') !== model.input.shape.join(',')) {
    throw new AppFailure('invalid_input', `Model m${model.id} takes rows of another shape.`, [
      {
        path: `${where}.pretrained.input.shape`,
        message: `m${model.id} takes rows of shape [${model.input.shape.join(', ')}], not [${input.shape.join(', ')}]`,
      },
    ]);
  }
  return {
    spec: { ...d, pretrained: { model: model.fileHash, featureLayer, input } },
    dataset,
    model,
  };
}
