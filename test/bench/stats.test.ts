import { pairRatios, spread } from '../../scripts/src/bench/stats';

describe('spread', () => {
  it('takes the middle value of an odd count', () => {
    expect(spread([3, 1, 2]).median).toBe(2);
  });

  it('averages the middle values of an even count', () => {
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('keeps the minimum, maximum and run order', () => {
    const result = spread([5, 1, 9]);
    expect(result.min).toBe(1);
    expect(result.max).toBe(9);
    expect(result.values).toEqual([5, 1, 9]);
  });

  it('rejects an empty list', () => {
    expect(() => spread([])).toThrow(RangeError);
  });
});

describe('pairRatios', () => {
  it('divides values of the same round', () => {
    expect(pairRatios([2, 9], [1, 3])).toEqual([2, 3]);
  });
});
