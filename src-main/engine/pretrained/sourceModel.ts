import type { LayersModel } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { loadModel } from '../model';
import { canonicalise } from './canonical';

/** A saved source model: a source run's, or an imported one with the layer where it is cut. */
export interface SourceModelFiles {
  dir: string;
  hash: string;
  /**
   * For an imported model: its feature layer, named as in the stored model. The model is rebuilt
   * so that this layer is the last hidden one (canonical.ts); absent: as stored.
   */
  featureLayer?: string | undefined;
}

/** Loads a source model, its weights checked against `hash`, cut at its feature layer. */
export async function loadSourceModel(tf: Tf, files: SourceModelFiles): Promise<LayersModel> {
  const model = await loadModel(tf, files.dir, files.hash);
  if (files.featureLayer === undefined) return model;
  try {
    return canonicalise(tf, model, files.featureLayer).model;
  } finally {
    model.dispose();
  }
}
