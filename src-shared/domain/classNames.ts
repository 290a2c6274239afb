/**
 * Class names (issue 14: "class names are lost"). A dataset stores integer labels; where they
 * stand for names (Fashion-MNIST's clothes, a CSV's "setosa", an image folder's subfolders) the
 * dataset carries the names, and every view, chart and report names a class through these
 * functions, so a domain that keeps or reorders classes (Fashion-MNIST 5–9: its class 0 is
 * Sandal) is named by the dataset label it stands for, never by its position.
 */

/** Fashion-MNIST's ten classes by label (Xiao, Rasul and Vollgraf 2017, the dataset's README). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** What naming needs of a dataset: its labels and, when it has them, their names. */
export interface NamedClasses {
  /** The dataset's labels, ascending. */
  classes: readonly number[];
  /** The names of `classes`, in the same order; absent when the labels are their own names. */
  classNames?: readonly string[] | undefined;
}

/** The name of a dataset label, or undefined when it has none. */
export function classNameOf(dataset: NamedClasses, label: number): string | undefined {
  if (dataset.classNames === undefined) return undefined;
  const at = dataset.classes.indexOf(label);
  return at < 0 ? undefined : dataset.classNames[at];
}

/** A label as a view shows it: its name when it has one ("Sandal"), else the number ("5"). */
export function classText(dataset: NamedClasses, label: number): string {
  return classNameOf(dataset, label) ?? String(label);
}

/**
 * The names of a domain's classes by its own label 0..k−1: a domain keeps `domainClasses` (the
 * dataset's labels, relabelled 0..k−1 in that order), or every class of the dataset when it
 * names none. A class without a name is its dataset label as text.
 */
export function domainClassTexts(
  dataset: NamedClasses,
  domainClasses: readonly number[] | undefined,
): string[] {
  return (domainClasses ?? dataset.classes).map((label) => classText(dataset, label));
}
