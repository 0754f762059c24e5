import {
  addToExpansion,
  canonicalExpansion,
  mergeExpansion,
  roundExpansion,
} from '../../functions/src/pipeline/exact-sum';
import { roundScaled, scaledExact, seededRandom, shuffled } from './helpers';

function exactSum(values: readonly number[]): number {
  return roundExpansion(values.reduce((expansion, value) => addToExpansion(expansion, value), [] as number[]));
}

function referenceSum(values: readonly number[]): number {
  return roundScaled(values.reduce((acc, value) => acc + scaledExact(value), 0n));
}

describe('exact summation', () => {
  test('cancellation keeps small terms', () => {
    expect(exactSum([1e100, 1, -1e100])).toBe(1);
    expect(exactSum([2 ** 53, 1, 1])).toBe(2 ** 53 + 2);
  });

  test('ten times 0.1 rounds to 1', () => {
    expect(exactSum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
  });

  test('halfway cases round to even', () => {
    expect(exactSum([1, 2 ** -53])).toBe(1);
    expect(exactSum([1 + 2 ** -52, 2 ** -53])).toBe(1 + 2 ** -51);
  });

  test('a remainder past halfway rounds up', () => {
    expect(exactSum([1, 2 ** -53, 2 ** -106])).toBe(1 + 2 ** -52);
    expect(exactSum([-1, -(2 ** -53), -(2 ** -106)])).toBe(-(1 + 2 ** -52));
  });

  test('random values match a BigInt reference in any order', () => {
    const random = seededRandom(99);
    for (let round = 0; round < 50; round += 1) {
      const values = Array.from({ length: 200 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10));
      const expected = referenceSum(values);
      const canonical = JSON.stringify(canonicalExpansion(addAll(values)));
      for (let order = 0; order < 3; order += 1) {
        const permuted = shuffled(values, random);
        expect(exactSum(permuted)).toBe(expected);
        expect(JSON.stringify(canonicalExpansion(addAll(permuted)))).toBe(canonical);
      }
    }
  });

  test('merging split expansions equals adding every value', () => {
    const random = seededRandom(5);
    const values = Array.from({ length: 1000 }, () => (random() - 0.5) * 1e6 * random());
    const left = addAll(values.slice(0, 333));
    const right = addAll(values.slice(333));
    expect(roundExpansion(mergeExpansion(right, left))).toBe(referenceSum(values));
  });

  test('canonical form has the same value', () => {
    const expansion = addAll([1e20, 3.5, -1e-20, 7e-300]);
    const canonical = canonicalExpansion(expansion);
    expect(roundExpansion(canonical)).toBe(roundExpansion(expansion));
    expect(canonical.every((part) => part !== 0)).toBe(true);
    expect(canonicalExpansion([0, 0])).toEqual([]);
  });
});

function addAll(values: readonly number[]): number[] {
  const expansion: number[] = [];
  for (const value of values) {
    addToExpansion(expansion, value);
  }
  return expansion;
}
