import {
  ImportOptionsSchema,
  type ColumnInfo,
  type FileRef,
  type ImportFormat,
  type ImportOptions,
  type InspectResult,
  type MissingPolicy,
} from '../../src-shared/rpc/datasets';

/**
 * The import dialog's form: what its inputs hold for each format, and the pure functions between
 * it, the inspection the core made of the file, and the `ImportOptions` sent with
 * 'datasets.import'. The schema in src-shared has the last word; the form puts each problem next
 * to its input before anything is sent.
 */
export type Delimiter = 'auto' | ',' | ';' | '\t' | '|';
export type HeaderChoice = 'auto' | 'yes' | 'no';

export interface ImportForm {
  format: ImportFormat;
  name: string;
  // CSV
  delimiter: Delimiter;
  header: HeaderChoice;
  /** Index of the label column. */
  labelColumn: number | null;
  /** Per column (by index): whether it is a feature. The label's entry is ignored. */
  features: boolean[];
  missing: MissingPolicy;
  // JSON records
  labelKey: string;
  // image folders
  width: number | null;
  height: number | null;
  color: 'grayscale' | 'rgb';
}

/** The companion files some formats need beside the chosen one, once sent. */
export interface CompanionRefs {
  labels?: FileRef;
  testImages?: FileRef;
  testLabels?: FileRef;
}

export type ImportField =
  'name' | 'labelColumn' | 'features' | 'missing' | 'labelKey' | 'labels' | 'test' | 'size';

export interface ImportProblem {
  field: ImportField;
  message: string;
}

/** `train-images-idx3-ubyte.gz` → `train-images`, `iris.csv` → `iris` (as the core names it). */
export function defaultDatasetName(fileName: string): string {
  let name = fileName.replace(/\.gz$/i, '');
  if (/-idx\d-ubyte$/i.test(name)) return name.replace(/-idx\d-ubyte$/i, '').slice(0, 200);
  const dot = name.lastIndexOf('.');
  if (dot > 0) name = name.slice(0, dot);
  return name.trim().slice(0, 200) || 'dataset';
}

/** The form as an inspection suggests it: the suggested label, every other column a feature. */
export function importFormFromInspect(inspect: InspectResult, fileName: string): ImportForm {
  const columns = inspect.columns ?? [];
  const label = inspect.suggestedLabel ?? (columns.length > 0 ? columns.length - 1 : null);
  return {
    format: inspect.format,
    name: defaultDatasetName(fileName),
    delimiter: 'auto',
    header: 'auto',
    labelColumn: label,
    features: columns.map((c) => c.index !== label),
    missing: 'refuse',
    labelKey: label === null ? 'label' : (columns[label]?.name ?? 'label'),
    width: 28,
    height: 28,
    color: 'grayscale',
  };
}

/**
 * After a new inspection with other delimiter/header settings the columns may differ: keep what
 * still fits, suggest the rest again.
 */
export function reconcileColumns(form: ImportForm, inspect: InspectResult): ImportForm {
  const fresh = importFormFromInspect(inspect, '');
  const columns = inspect.columns ?? [];
  const sameCount = columns.length === form.features.length;
  return {
    ...form,
    labelColumn:
      sameCount && form.labelColumn !== null && form.labelColumn < columns.length
        ? form.labelColumn
        : fresh.labelColumn,
    features: sameCount ? [...form.features] : fresh.features,
  };
}

/** The chosen feature columns, in file order, without the label. */
export function selectedFeatures(form: ImportForm, columns: readonly ColumnInfo[]): ColumnInfo[] {
  return columns.filter((c) => c.index !== form.labelColumn && form.features[c.index] === true);
}

export interface MissingSummary {
  /** Empty cells over the chosen feature columns. */
  featureCells: number;
  /** Chosen feature columns with at least one empty cell. */
  featureColumns: number;
  /** Rows without a label: always dropped. */
  labelRows: number;
}

export function missingSummary(form: ImportForm, columns: readonly ColumnInfo[]): MissingSummary {
  const chosen = selectedFeatures(form, columns);
  const label = columns.find((c) => c.index === form.labelColumn);
  return {
    featureCells: chosen.reduce((n, c) => n + c.missing, 0),
    featureColumns: chosen.filter((c) => c.missing > 0).length,
    labelRows: label?.missing ?? 0,
  };
}

/** Features the chosen columns become: one per numeric column, one per category otherwise. */
export function featureCount(form: ImportForm, columns: readonly ColumnInfo[]): number {
  return selectedFeatures(form, columns).reduce(
    (n, c) => n + (c.kind === 'numeric' ? 1 : c.distinct),
    0,
  );
}

/** More distinct values than inspect counts: an id or free text, not a category. */
export const TOO_MANY_CATEGORIES = 1001;

function csvOptions(
  form: ImportForm,
  columns: readonly ColumnInfo[],
  add: (field: ImportField, message: string) => void,
): ImportOptions {
  if (form.labelColumn === null) add('labelColumn', 'Pick the column that holds the labels.');
  const chosen = selectedFeatures(form, columns);
  if (chosen.length === 0) add('features', 'Pick at least one feature column.');
  for (const c of chosen) {
    if (c.kind === 'categorical' && c.distinct >= TOO_MANY_CATEGORIES)
      add(
        'features',
        `"${c.name}" has over 1,000 distinct values: an id or free text, not a category. Leave it out.`,
      );
  }
  const missing = missingSummary(form, columns);
  if (form.missing === 'refuse' && missing.featureCells > 0)
    add(
      'missing',
      `${missing.featureCells} feature cells are empty: choose to drop those rows or fill them.`,
    );
  const allOthers = columns.every((c) => c.index === form.labelColumn || form.features[c.index]);
  return {
    format: 'csv',
    delimiter: form.delimiter,
    header: form.header,
    ...(form.labelColumn === null ? {} : { labelColumn: form.labelColumn }),
    // Every other column is the importer's default: leave it unsaid, as a user would.
    ...(allOthers || chosen.length === 0 ? {} : { featureColumns: chosen.map((c) => c.index) }),
    missing: form.missing,
  };
}

export interface BuiltImport {
  options: ImportOptions | null;
  problems: ImportProblem[];
}

/** The options to send, or null with the problems that stop them. */
export function buildImportOptions(
  form: ImportForm,
  inspect: InspectResult,
  companions: CompanionRefs,
  present: { labels: boolean; testImages: boolean; testLabels: boolean },
): BuiltImport {
  const problems: ImportProblem[] = [];
  const add = (field: ImportField, message: string): void => {
    problems.push({ field, message });
  };
  const name = form.name.trim();
  if (name === '') add('name', 'Give the dataset a name.');
  else if (name.length > 200) add('name', 'At most 200 characters.');

  let options: ImportOptions | null = null;
  switch (form.format) {
    case 'csv':
      options = csvOptions(form, inspect.columns ?? [], add);
      break;
    case 'json':
      if (form.labelKey.trim() === '') add('labelKey', 'Name the key that holds the labels.');
      options = { format: 'json', labelKey: form.labelKey.trim() || 'label' };
      break;
    case 'npy':
      if (!present.labels) add('labels', 'Choose the labels file (a 1-D .npy of integers).');
      options = companions.labels ? { format: 'npy', labels: companions.labels } : null;
      break;
    case 'idx': {
      if (!present.labels) add('labels', 'Choose the labels file (idx1-ubyte, gzipped or not).');
      if (present.testImages !== present.testLabels)
        add('test', 'Give both test files (images and labels), or neither.');
      const test =
        companions.testImages && companions.testLabels
          ? { test: { images: companions.testImages, labels: companions.testLabels } }
          : {};
      options = companions.labels ? { format: 'idx', labels: companions.labels, ...test } : null;
      break;
    }
    case 'image-folder': {
      const ok = (v: number | null): v is number =>
        v !== null && Number.isInteger(v) && v >= 1 && v <= 512;
      if (!ok(form.width) || !ok(form.height))
        add('size', 'Width and height: whole numbers from 1 to 512.');
      options = {
        format: 'image-folder',
        width: form.width ?? 0,
        height: form.height ?? 0,
        color: form.color,
      };
      break;
    }
  }
  if (problems.length > 0 || options === null) return { options: null, problems };
  const parsed = ImportOptionsSchema.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      add('name', `${issue.path.map(String).join('.')}: ${issue.message}`);
    return { options: null, problems };
  }
  return { options, problems };
}

export interface Companions {
  main: number;
  labels?: number;
  testImages?: number;
  testLabels?: number;
}

const isLabels = (name: string): boolean => /label|(^|[^a-z])y([^a-z]|$)/i.test(name);
const isTest = (name: string): boolean => /t10k|test/i.test(name);

/**
 * Which of several files dropped at once is which (MNIST's four, or features.npy + labels.npy):
 * the data file is the first that is not a labels file, preferring training over test parts.
 */
export function guessCompanions(names: readonly string[]): Companions {
  const indexed = names.map((name, i) => ({ name, i }));
  const data = indexed.filter((f) => !isLabels(f.name));
  const labels = indexed.filter((f) => isLabels(f.name));
  const main = (data.find((f) => !isTest(f.name)) ?? data[0] ?? indexed[0])?.i ?? 0;
  const result: Companions = { main };
  const mainIsTest = isTest(names[main] ?? '');
  const trainLabels = labels.find((f) => isTest(f.name) === mainIsTest);
  if (trainLabels) result.labels = trainLabels.i;
  if (!mainIsTest) {
    const testImages = data.find((f) => f.i !== main && isTest(f.name));
    const testLabels = labels.find((f) => isTest(f.name));
    if (testImages && testLabels) {
      result.testImages = testImages.i;
      result.testLabels = testLabels.i;
    }
  }
  return result;
}
