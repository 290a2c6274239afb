import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { EarlyStopping } from '../../src-shared/domain/experimentSpec';
import type { Tf } from './backend';

export interface EarlyStopperState {
  best: number;
  bestEpoch: number;
  sinceBest: number;
  snapshot?: Tensor[];
}

/**
 * Early stopping on the target's validation split with the best epoch's weights restored, after
 * Keras's EarlyStopping(restore_best_weights=True) and Prechelt 1998, "Early stopping — but
 * when?": after each epoch the monitored value is compared with the best so far; an improvement
 * keeps a copy of the model's weights, and `patience` epochs without one end training. Ties do
 * not count as improvements, so the earliest of equally good epochs is kept.
 */
export class EarlyStopper {
  private best = NaN;
  private bestEpoch = 0;
  private snapshot: Tensor[] | undefined;
  private sinceBest = 0;

  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private readonly settings: EarlyStopping,
  ) {}

  /** Records one epoch's validation metrics; true when training should stop now. */
  update(epoch: number, values: { val_loss: number; val_acc: number }): boolean {
    const value = values[this.settings.monitor];
    if (this.improves(value)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      if (this.settings.restoreBest) this.keepWeights();
      return false;
    }
    this.sinceBest++;
    return this.sinceBest >= this.settings.patience;
  }

  /** The epoch with the best monitored value (0: none was finite). */
  get bestEpochSeen(): number {
    return this.bestEpoch;
  }

  /**
   * Puts the best epoch's weights back into the model (when `restoreBest`), returning that
   * epoch, or undefined when the model keeps its last weights.
   */
  restore(): number | undefined {
    if (!this.settings.restoreBest || this.snapshot === undefined) return undefined;
    this.model.setWeights(this.snapshot);
    return this.bestEpoch;
  }

  /**
   * What a checkpoint keeps (checkpoint.ts): the best value (NaN before any finite one), its
   * epoch, the epochs since, and the best epoch's weights when restoreBest keeps them. The
   * tensors are the stopper's own: read them, do not dispose them.
   */
  state(): EarlyStopperState {
    return {
      best: this.best,
      bestEpoch: this.bestEpoch,
      sinceBest: this.sinceBest,
      ...(this.snapshot ? { snapshot: this.snapshot } : {}),
    };
  }

  /** Takes a checkpoint's state; the stopper owns (and will dispose) the snapshot's tensors. */
  restoreState(state: EarlyStopperState): void {
    this.dispose();
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
    this.sinceBest = state.sinceBest;
    this.snapshot = state.snapshot;
  }

  dispose(): void {
    if (this.snapshot) this.tf.dispose(this.snapshot);
    this.snapshot = undefined;
  }

  private improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    if (Number.isNaN(this.best)) return true;
    return this.settings.monitor === 'val_loss' ? value < this.best : value > this.best;
  }

  private keepWeights(): void {
    const copies = this.model.getWeights().map((w) => this.tf.clone(w));
    this.dispose();
    this.snapshot = copies;
  }
}
