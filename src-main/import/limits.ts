/**
 * What an import accepts, checked before anything is allocated (issue 4: "an IDX header claiming
 * 2^32 items is refused, not attempted"). Arrays are streamed to disk, so these bound the memory
 * an import may take, not the dataset's size on disk.
 */

/** Features of one row (28×28×3 is 2,352; a one-hot-heavy CSV may have thousands). */
export const MAX_FEATURES = 1_000_000;
/** Rows of one dataset: labels stay in memory, 4 bytes a row. */
export const MAX_ROWS = 200_000_000;
/** One input array read whole (an IDX or a labels file): well above Fashion-MNIST's 47 MB. */
export const MAX_ARRAY_BYTES = 2 * 1024 ** 3;
/** A JSON file is parsed whole, so it is limited more tightly. */
export const MAX_JSON_BYTES = 256 * 1024 ** 2;
/** One image file, and the pixels it may decode to. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 ** 2;
export const MAX_IMAGE_PIXELS = 64 * 1024 ** 2;
/** Distinct values of a categorical column (each becomes a one-hot feature). */
export const MAX_CATEGORIES = 1000;
/** Distinct labels. */
export const MAX_CLASSES = 10_000;
/** Rows buffered before they are written out (bytes). */
export const WRITE_CHUNK_BYTES = 4 * 1024 ** 2;
