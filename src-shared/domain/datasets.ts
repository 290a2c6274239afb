export interface DatasetSummary {
  id: number;
  name: string;
  kind: 'builtin' | 'synthetic' | 'imported';
  /** sha256 of the canonical content (features then labels, float32 little-endian). */
  contentHash: string;
  samples: number;
  featureShape: number[];
  classes: number[];
  provenance: Record<string, string>;
  createdAt: string;
}
