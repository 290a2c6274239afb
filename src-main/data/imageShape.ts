/**
 * The [height, width, channels] of an image feature shape: [h, w] is a greyscale image ([h, w, 1]),
 * [h, w, c] is itself; anything else (tabular rows, rank 1) is not an image.
 */
export function imageShapeOf(
  featureShape: readonly number[],
): [number, number, number] | undefined {
  const [h, w, c = 1] = featureShape;
  if (h === undefined || w === undefined || featureShape.length > 3) return undefined;
  return [h, w, c];
}
