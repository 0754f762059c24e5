import { InvalidInputError } from '../../functions/src/pipeline/errors';
import { parseManifest } from '../../functions/src/pipeline/manifest';

interface FieldCase {
  field: string;
  value: unknown;
  /** Text the error message must contain. */
  problem: string;
}

/** Wrong types: the message names the expected type. */
const typeCases: FieldCase[] = [
  { field: 'format', value: 1, problem: 'is not a string' },
  { field: 'groupBy', value: 'carrier', problem: 'is not an array' },
  { field: 'groupBy', value: [7], problem: 'has item 0 = 7, which is not a string' },
  { field: 'metrics', value: { delay: true }, problem: 'is not an array' },
  { field: 'metrics', value: [null], problem: 'has item 0 = null, which is not a string' },
  { field: 'quantiles', value: 0.5, problem: 'is not an array' },
  { field: 'quantiles', value: ['0.5'], problem: 'has item 0 = "0.5", which is not a number' },
  { field: 'files', value: 'a.csv', problem: 'is not an array' },
  { field: 'files', value: [1], problem: 'has item 0 = 1, which is not a string' },
  { field: 'toleratedFailurePercentage', value: '10', problem: 'is not a number' },
  { field: 'toleratedFailurePercentage', value: true, problem: 'is not a number' },
  { field: 'toleratedFailurePercentage', value: null, problem: 'is not a number' },
  { field: 'maxItems', value: '100', problem: 'is not a number' },
  { field: 'maxItems', value: 2.5, problem: 'is not an integer' },
  { field: 'chunkSize', value: '500', problem: 'is not a number' },
  { field: 'chunkSize', value: [500], problem: 'is not a number' },
  { field: 'chunkSize', value: 10.5, problem: 'is not an integer' },
];

/** Values of the right type outside the allowed range: the message names the range. */
const rangeCases: FieldCase[] = [
  { field: 'groupBy', value: [''], problem: 'has item 0 = "", which is an empty string' },
  { field: 'metrics', value: [''], problem: 'has item 0 = "", which is an empty string' },
  {
    field: 'quantiles',
    value: [0.5, 1],
    problem: 'has item 1 = 1, which is out of range: it must be greater than 0 and less than 1',
  },
  { field: 'quantiles', value: [-0.5], problem: 'it must be greater than 0 and less than 1' },
  { field: 'files', value: [''], problem: 'has 0 characters, out of range: a blob name has 1 to 1024' },
  { field: 'files', value: ['a'.repeat(1025)], problem: 'has 1025 characters, out of range' },
  { field: 'toleratedFailurePercentage', value: 100.5, problem: 'is out of range: it must be from 0 to 100' },
  { field: 'toleratedFailurePercentage', value: -1, problem: 'is out of range: it must be from 0 to 100' },
  { field: 'maxItems', value: 0, problem: 'is out of range: it must be from 1 to 9007199254740991 (2^53 - 1)' },
  { field: 'maxItems', value: 2 ** 53, problem: 'is out of range: it must be from 1 to 9007199254740991 (2^53 - 1)' },
  { field: 'maxItems', value: 1e20, problem: 'is out of range: it must be from 1 to 9007199254740991 (2^53 - 1)' },
  { field: 'chunkSize', value: 0, problem: 'is out of range: it must be from 1 to 5000' },
  { field: 'chunkSize', value: 5001, problem: 'is out of range: it must be from 1 to 5000' },
  { field: 'chunkSize', value: 1e12, problem: 'is out of range: it must be from 1 to 5000' },
];

/** Names a case by its field and value, shortening long values. */
function title(testCase: FieldCase): string {
  const value = JSON.stringify(testCase.value);
  return `${testCase.field} = ${value.length > 40 ? `${value.slice(0, 40)}...` : value}`;
}

function rejection(manifest: Record<string, unknown>): InvalidInputError {
  try {
    parseManifest(JSON.stringify(manifest));
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error(`parseManifest accepted ${JSON.stringify(manifest)}`);
}

/** Parses a manifest with only the case's field and checks the error's field, value and message. */
function expectRejection({ field, value, problem }: FieldCase): InvalidInputError {
  const error = rejection({ [field]: value });
  expect(error.field).toBe(field);
  expect(error.value).toEqual(value);
  expect(error.message).toContain(`Invalid manifest field "${field}"`);
  expect(error.message).toContain(problem);
  return error;
}

describe('manifest field errors', () => {
  test.each(typeCases.map((testCase) => [title(testCase), testCase] as const))('%s names the type', (_, testCase) => {
    const error = expectRejection(testCase);
    expect(error.message).not.toContain('out of range');
  });

  test.each(rangeCases.map((testCase) => [title(testCase), testCase] as const))('%s names the range', (_, testCase) => {
    expectRejection(testCase);
  });

  test('every field has a type case', () => {
    const fields = new Set(typeCases.map((testCase) => testCase.field));
    expect([...fields].sort()).toEqual(
      [
        'chunkSize',
        'files',
        'format',
        'groupBy',
        'maxItems',
        'metrics',
        'quantiles',
        'toleratedFailurePercentage',
      ].sort(),
    );
  });

  test('accepts the bounds', () => {
    const manifest = parseManifest(
      '{"quantiles":[0.001,0.999],"toleratedFailurePercentage":100,"maxItems":9007199254740991,"chunkSize":5000}',
    );
    expect(manifest.toleratedFailurePercentage).toBe(100);
    expect(manifest.maxItems).toBe(Number.MAX_SAFE_INTEGER);
    expect(manifest.chunkSize).toBe(5000);
    expect(parseManifest('{"toleratedFailurePercentage":0,"chunkSize":1,"maxItems":1}').chunkSize).toBe(1);
  });
});

describe('manifest files', () => {
  test('empty array is invalid', () => {
    const error = rejection({ files: [] });
    expect(error.field).toBe('files');
    expect(error.value).toEqual([]);
    expect(error.message).toContain('Invalid manifest field "files"');
    expect(error.message).toContain('list at least one file');
    expect(error.message).toContain('remove "files" to take every blob under the prefix');
  });
});

/** Parses manifest text as given, so numbers keep their JSON spelling, and returns the error. */
function rejectionOfText(text: string | Uint8Array): InvalidInputError {
  try {
    parseManifest(text);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error(`parseManifest accepted ${String(text)}`);
}

describe('manifest numbers beyond a double or a safe integer', () => {
  test.each([
    ['maxItems', '1e400'],
    ['maxItems', '-1e400'],
    ['chunkSize', '1e400'],
    ['toleratedFailurePercentage', '1e400'],
  ])('%s = %s names Infinity', (field, literal) => {
    const error = rejectionOfText(`{"${field}": ${literal}}`);
    expect(error.field).toBe(field);
    const name = literal.startsWith('-') ? '-Infinity' : 'Infinity';
    expect(error.message).toContain(`the value ${name} is not a finite number`);
    expect(error.message).toContain('such as 1e400, reads as Infinity');
    expect(error.message).not.toContain('null');
    expect(error.message).not.toContain('is not an integer');
  });

  test('quantile 1e400 names Infinity', () => {
    const error = rejectionOfText('{"quantiles": [0.5, 1e400]}');
    expect(error.message).toContain('the value [0.5,Infinity] has item 1 = Infinity, which is not a finite number');
    expect(error.message).not.toContain('null');
  });

  test.each(['9007199254740992', '9007199254740993', '18446744073709551616'])(
    'maxItems = %s names 2^53 - 1',
    (literal) => {
      const error = rejectionOfText(`{"maxItems": ${literal}}`);
      expect(error.message).toContain('is out of range: it must be from 1 to 9007199254740991 (2^53 - 1)');
      expect(error.message).not.toContain('at least');
    },
  );

  test('chunkSize past 2^53 names 5000', () => {
    const error = rejectionOfText('{"chunkSize": 9007199254740993}');
    expect(error.message).toContain('the value 9007199254740992 is out of range: it must be from 1 to 5000');
  });
});

describe('manifest encoding', () => {
  test('byte 0xFF fails as invalid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('{"groupBy": ["'), Buffer.from([0xff]), Buffer.from('"]}')]);
    const error = rejectionOfText(bytes);
    expect(error.field).toBe('manifest');
    expect(error.message).toBe(
      'Invalid manifest: not valid UTF-8 (the byte sequence at offset 14 is malformed). ' +
        'Save _manifest.json as UTF-8 and upload it again.',
    );
    expect(error.message).not.toContain('\uFFFD');
  });

  test('cut-off sequence names its lead byte', () => {
    const bytes = Buffer.concat([Buffer.from('{"groupBy": ["'), Buffer.from([0xe2, 0x82])]);
    expect(rejectionOfText(bytes).message).toContain('the byte sequence at offset 14 is malformed');
  });

  test('UTF-16 manifest names its BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"groupBy":["a"]}', 'utf16le')]);
    expect(rejectionOfText(bytes).message).toContain(
      'not valid UTF-8 (it starts with the byte order mark FF FE (UTF-16 little-endian))',
    );
  });

  test('UTF-8 with BOM is read', () => {
    const bytes = Buffer.from('\uFEFF{"groupBy": ["Zürich 東京"]}', 'utf8');
    expect(parseManifest(bytes).groupBy).toEqual(['Zürich 東京']);
  });
});

describe('manifest summary.csv columns', () => {
  test.each([
    [{ groupBy: ['count'], metrics: ['count', 'v'] }, '"count"', 'as the row count of each group'],
    [{ groupBy: ['region', 'v.sum'], metrics: ['v'] }, '"v.sum"', 'as the column of metric "v"'],
    [{ groupBy: ['a.b.p99_9'], metrics: ['a.b'], quantiles: [0.999] }, '"a.b.p99_9"', 'of metric "a.b"'],
  ])('groupBy %j collides', (manifest, column, other) => {
    const error = rejection(manifest);
    expect(error.field).toBe('groupBy');
    expect(error.value).toEqual(manifest.groupBy);
    expect(error.message).toContain(`Invalid manifest field "groupBy": the column ${column} has the same summary.csv`);
    expect(error.message).toContain(other);
    expect(error.message).toContain('Group by another column, or rename the column');
  });

  test.each([
    { groupBy: ['v'], metrics: ['v'] },
    { groupBy: ['region'], metrics: ['count'] },
    { groupBy: ['count.x', 'v.p99_9'], metrics: ['v', 'count'] },
    { groupBy: ['Count'] },
  ])('groupBy %j is accepted', (manifest) => {
    expect(parseManifest(JSON.stringify(manifest)).groupBy).toEqual(manifest.groupBy);
  });
});
