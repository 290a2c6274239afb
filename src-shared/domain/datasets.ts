export interface DatasetSummary {
  id: number;
  name: string;
  kind: 'builtin' | 'synthetic' | 'imported';
  /** sha256 of the canonical content (features then labels, float32 little-endian). */
  contentHash: string;
  samples: number;
  featureShape: number[];
  classes: number[];
  /**
   * The names of `classes`, in the same order (Fashion-MNIST's clothes, a CSV's label values, an
   * image folder's subfolders); absent when the labels are their own names (digits).
   */
  classNames?: string[];
  provenance: Record<string, string>;
  createdAt: string;
}
