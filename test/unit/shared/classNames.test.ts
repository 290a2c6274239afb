import { describe, expect, it } from 'vitest';
import {
  classNameOf,
  classText,
  domainClassTexts,
  FASHION_MNIST_CLASS_NAMES,
} from '../../../src-shared/domain/classNames';

const fashion = { classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], classNames: FASHION_MNIST_CLASS_NAMES };

describe('class names', () => {
  it("names a Fashion-MNIST 5–9 domain's labels by the dataset labels they stand for", () => {
    // Label 0 of this domain is dataset class 5: a sandal, never a T-shirt.
    expect(domainClassTexts(fashion, [5, 6, 7, 8, 9])).toEqual([
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
  });

  it('follows a reordering domain and the whole dataset when the domain keeps every class', () => {
    expect(domainClassTexts(fashion, [9, 0])).toEqual(['Ankle boot', 'T-shirt/top']);
    expect(domainClassTexts(fashion, undefined)).toEqual([...FASHION_MNIST_CLASS_NAMES]);
  });

  it('finds a name by label, not by position, in a dataset with sparse labels', () => {
    const sparse = { classes: [3, 7], classNames: ['cat', 'dog'] };
    expect(classNameOf(sparse, 7)).toBe('dog');
    expect(classNameOf(sparse, 1)).toBeUndefined();
    expect(domainClassTexts(sparse, undefined)).toEqual(['cat', 'dog']);
  });

  it('shows the label itself when the dataset has no names', () => {
    const digits = { classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
    expect(classText(digits, 5)).toBe('5');
    expect(domainClassTexts(digits, [5, 6])).toEqual(['5', '6']);
  });
});
