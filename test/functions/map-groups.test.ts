import {
  groupCount,
  groupRange,
  groupStarts,
  mapGroupLimits,
  positiveIntegerSetting,
} from '../../functions/src/batch/map-groups';

const limits = { files: 32, bytes: 1000 };

describe('map groups', () => {
  it('groups small files up to the file limit', () => {
    const starts = groupStarts(new Array(1000).fill(10), limits);

    expect(starts).toHaveLength(32);
    expect(starts.slice(0, 3)).toEqual([0, 32, 64]);
    expect(starts[31]).toBe(992);
  });

  it('spreads a small chunk over groups', () => {
    expect(groupStarts(new Array(12).fill(10), limits)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(groupStarts(new Array(16).fill(10), limits)).toHaveLength(16);
    expect(groupStarts(new Array(17).fill(10), limits)).toHaveLength(9);
    expect(groupStarts(new Array(40).fill(10), limits)).toHaveLength(14);
    expect(groupStarts(new Array(512).fill(10), limits)).toHaveLength(16);
  });

  it('stops a group before it passes the byte limit', () => {
    const sizes = [400, 400, 400, 100, 100, 2000, 300, 0, 0];
    const starts = groupStarts([...sizes, ...new Array(500).fill(0)], limits);

    // 400+400 fits but a third 400 does not. 400+100+100 fits, 2000 is alone, and the rest fill groups of 32.
    expect(starts.slice(0, 5)).toEqual([0, 2, 5, 6, 38]);
  });

  it('gives no group for no file', () => {
    expect(groupStarts([], limits)).toEqual([]);
  });

  it('reads the range of a group, and of a list without groups', () => {
    const chunk = { start: 100, files: ['a', 'b', 'c', 'd', 'e'], groups: [0, 2, 4] };

    expect([0, 1, 2].map((group) => groupRange(chunk, group))).toEqual([
      { offset: 0, count: 2 },
      { offset: 2, count: 2 },
      { offset: 4, count: 1 },
    ]);
    expect(groupRange(chunk, 3)).toBeUndefined();
    expect(groupRange(chunk, -1)).toBeUndefined();
    expect(groupCount(chunk)).toBe(3);

    const ungrouped = { start: 0, files: ['a', 'b'] };
    expect(groupRange(ungrouped, 1)).toEqual({ offset: 1, count: 1 });
    expect(groupRange(ungrouped, 2)).toBeUndefined();
    expect(groupCount(ungrouped)).toBe(2);
  });

  it('reads the limits from app settings', () => {
    expect(mapGroupLimits({})).toEqual({ files: 32, bytes: 4 * 1024 * 1024 });
    expect(mapGroupLimits({ MAP_GROUP_MAX_FILES: ' 1 ', MAP_GROUP_MAX_BYTES: '65536' })).toEqual({
      files: 1,
      bytes: 65536,
    });
    expect(mapGroupLimits({ MAP_GROUP_MAX_FILES: '5000', MAP_GROUP_MAX_BYTES: '1073741824' })).toEqual({
      files: 5000,
      bytes: 1073741824,
    });
  });

  it.each([
    ['7', 7],
    [' 42 ', 42],
    ['007', 7],
    ['100', 100],
    ['', 30],
    ['   ', 30],
  ])('reads setting %j as %d', (text, expected) => {
    expect(positiveIntegerSetting({ LIMIT: text }, 'LIMIT', 30, 100)).toBe(expected);
  });

  it.each(['0', '-1', '+5', '2.5', '1.0', '1e3', ' 1e3', '0x10', '1_000', '1,000', 'many', 'Infinity', 'NaN', '101'])(
    'rejects setting %j',
    (text) => {
      expect(() => positiveIntegerSetting({ LIMIT: text }, 'LIMIT', 30, 100)).toThrow(
        `App setting LIMIT is ${JSON.stringify(text.trim())}: set an integer from 1 to 100, or remove it to use 30`,
      );
    },
  );

  it.each([
    ['MAP_GROUP_MAX_FILES', '5001', 5000, 32],
    ['MAP_GROUP_MAX_BYTES', '1073741825', 1073741824, 4194304],
    ['MAP_GROUP_MAX_FILES', '99999999999999999999', 5000, 32],
    ['MAP_GROUP_MAX_BYTES', '99999999999999999999', 1073741824, 4194304],
  ])('%s of %s names the maximum', (name, text, max, fallback) => {
    expect(() => mapGroupLimits({ [name]: text })).toThrow(
      `App setting ${name} is "${text}": set an integer from 1 to ${max}, or remove it to use ${fallback}`,
    );
  });
});
