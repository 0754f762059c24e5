import { gzipSync } from 'node:zlib';

import { InvalidInputError, mapStream, parseManifest } from '../../functions/src/pipeline';
import type { InputFormat, MapResult } from '../../functions/src/pipeline';
import { chunkedStream } from './helpers';

interface FileCase {
  name: string;
  format: InputFormat;
  content: Buffer | string;
  groupBy?: string[];
  metrics?: string[];
  maxGroups?: number;
  check(result: MapResult): void;
}

function tenThousandRowsWithOneBadMetric(): string {
  const lines = ['carrier,delay'];
  for (let i = 0; i < 10_000; i += 1) {
    lines.push(`${i % 2 === 0 ? 'AA' : 'UA'},${i === 4321 ? 'n/a' : i}`);
  }
  return `${lines.join('\n')}\n`;
}

function expectOk(result: MapResult) {
  if (!result.ok) {
    throw new Error(`expected a partial, got ${result.error.kind}: ${result.error.message}`);
  }
  return result.partial;
}

function expectError(result: MapResult, kind: string, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.kind).toBe(kind);
    for (const fragment of fragments) {
      expect(result.error.message).toContain(fragment);
    }
  }
}

const fileCases: FileCase[] = [
  {
    name: 'binary file',
    format: 'csv',
    content: gzipSync('carrier,delay\nAA,1\n'),
    check: (result) => expectError(result, 'binary', 'NUL byte', 'binary'),
  },
  {
    name: 'missing groupBy column',
    format: 'csv',
    content: 'airline,delay\nAA,1\n',
    check: (result) => expectError(result, 'missing-column', 'groupBy column "carrier"', '"airline", "delay"'),
  },
  {
    name: 'missing metric column',
    format: 'csv',
    content: 'carrier,late\nAA,1\n',
    check: (result) => expectError(result, 'missing-column', 'metrics column "delay"', '"carrier", "late"'),
  },
  {
    name: 'one non-numeric metric in 10,000 rows',
    format: 'csv',
    content: tenThousandRowsWithOneBadMetric(),
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rows).toBe(10_000);
      expect(partial.rejectedRows).toBe(1);
      expect(partial.rejectedSamples).toEqual([
        { file: 'data.csv', line: 4323, reason: 'column "delay": not a decimal number: "n/a"' },
      ]);
      const total = partial.groups.reduce((sum, group) => sum + group.count, 0);
      expect(total).toBe(9_999);
      const unitedSum = partial.groups.find((group) => group.key.carrier === 'UA')!.metrics.delay.sum;
      expect(unitedSum).toBe(25_000_000 - 4321);
    },
  },
  {
    name: 'empty file',
    format: 'csv',
    content: '',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial).toEqual({ files: 1, bytes: 0, rows: 0, rejectedRows: 0, rejectedSamples: [], groups: [] });
    },
  },
  {
    name: 'header-only file',
    format: 'csv',
    content: 'carrier,delay\r\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rows).toBe(0);
      expect(partial.groups).toEqual([]);
    },
  },
  {
    name: 'header-only file with a missing column',
    format: 'csv',
    content: 'carrier\n',
    check: (result) => expectError(result, 'missing-column', 'metrics column "delay"'),
  },
  {
    name: 'BOM and CRLF',
    format: 'csv',
    content: '\uFEFFcarrier,delay\r\nAA,5\r\nAA,7\r\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.groups.map((group) => group.key)).toEqual([{ carrier: 'AA' }]);
      expect(partial.groups[0].metrics.delay.sum).toBe(12);
    },
  },
  {
    name: 'quoted commas and newlines',
    format: 'csv',
    content: 'carrier,delay\n"Delta, Inc.",1\n"Alaska\nAir ""AS""",2\nAA,x\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.groups.map((group) => group.key.carrier)).toEqual(['Alaska\nAir "AS"', 'Delta, Inc.']);
      expect(partial.rejectedSamples).toEqual([
        { file: 'data.csv', line: 5, reason: 'column "delay": not a decimal number: "x"' },
      ]);
    },
  },
  {
    name: 'unclosed quote',
    format: 'csv',
    content: 'carrier,delay\n"AA,1\nUA,2\n',
    check: (result) => expectError(result, 'parse', 'Invalid CSV', 'Quote Not Closed'),
  },
  {
    name: 'CSV record over 1 MiB',
    format: 'csv',
    content: `carrier,delay\nAA,1\n"${'A'.repeat(1024 * 1024 + 10)}",2\n`,
    check: (result) => expectError(result, 'parse', 'Invalid CSV', 'Max Record Size'),
  },
  {
    name: 'row with too few fields',
    format: 'csv',
    content: 'carrier,delay,origin\nAA,1,SFO\nUA,2\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rejectedSamples).toEqual([
        { file: 'data.csv', line: 3, reason: 'expected 3 fields as in the header, found 2' },
      ]);
    },
  },
  {
    name: 'strict numbers',
    format: 'csv',
    content: 'carrier,delay\nAA,0x10\nAA,12abc\nAA,Infinity\nAA,1e999\nAA,\nAA, 2.5 \nAA,-1e2\nAA,.5\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rejectedSamples.map((sample) => sample.reason)).toEqual([
        'column "delay": not a decimal number: "0x10"',
        'column "delay": not a decimal number: "12abc"',
        'column "delay": not a decimal number: "Infinity"',
        'column "delay": out of the range of a double: "1e999"',
        'column "delay": empty value',
      ]);
      expect(partial.groups[0].metrics.delay.sum).toBe(2.5 - 100 + 0.5);
    },
  },
  {
    name: 'metric beyond 1e300',
    format: 'csv',
    content: 'carrier,delay\nAA,1e308\nAA,1e308\nAA,-1e300\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rejectedSamples.map((sample) => sample.reason)).toEqual([
        'column "delay": magnitude above 1e+300',
        'column "delay": magnitude above 1e+300',
      ]);
      expect(partial.groups[0].metrics.delay.sum).toBe(-1e300);
    },
  },
  {
    name: 'more groups than maxGroups',
    format: 'ndjson',
    content: Array.from({ length: 5 }, (_, i) => JSON.stringify({ carrier: `C${i}`, delay: i })).join('\n'),
    maxGroups: 4,
    check: (result) => expectError(result, 'too-many-groups', 'more than 4 distinct keys', '["carrier"]'),
  },
  {
    name: 'invalid UTF-8',
    format: 'csv',
    content: Buffer.concat([Buffer.from('carrier,delay\nA'), Buffer.from([0xc3, 0x28]), Buffer.from(',1\n')]),
    check: (result) => expectError(result, 'invalid-encoding', 'not valid UTF-8'),
  },
  {
    name: 'UTF-8 cut off at the end',
    format: 'csv',
    content: Buffer.concat([Buffer.from('carrier,delay\nAA,1\n'), Buffer.from([0xe2, 0x82])]),
    check: (result) => expectError(result, 'invalid-encoding', 'at the end of the file'),
  },
  {
    name: 'UTF-16 little-endian with BOM',
    format: 'csv',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('carrier,delay\nAA,1\n', 'utf16le')]),
    check: (result) =>
      expectError(
        result,
        'invalid-encoding',
        'The file is UTF-16, not UTF-8: it starts with the byte order mark FF FE (UTF-16 little-endian).',
        'Convert it to UTF-8',
      ),
  },
  {
    name: 'UTF-16 big-endian with BOM',
    format: 'ndjson',
    content: Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from('{"carrier":"AA","delay":1}\n', 'utf16le').swap16(),
    ]),
    check: (result) => expectError(result, 'invalid-encoding', 'FE FF (UTF-16 big-endian)', 'Convert it to UTF-8'),
  },
  {
    name: 'UTF-16 without BOM',
    format: 'csv',
    content: Buffer.from('carrier,delay\nAA,1\n', 'utf16le'),
    check: (result) => expectError(result, 'binary', 'NUL byte at offset 1', 'If it is text in UTF-16 or UTF-32'),
  },
  {
    name: 'one byte 0xFF',
    format: 'csv',
    content: Buffer.from([0xff]),
    check: (result) => expectError(result, 'invalid-encoding', 'not valid UTF-8'),
  },
  {
    name: 'NDJSON with a bad line',
    format: 'ndjson',
    content: '{"carrier":"AA","delay":1}\r\n{"carrier":"AA","delay":\n\n{"carrier":"UA","delay":"3"}\n[1,2]\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rows).toBe(4);
      expect(partial.rejectedSamples.map((sample) => sample.line)).toEqual([2, 5]);
      expect(partial.rejectedSamples[0].reason).toMatch(/^invalid JSON: /);
      expect(partial.rejectedSamples[1].reason).toBe('not a JSON object');
      expect(partial.groups.map((group) => group.key.carrier)).toEqual(['AA', 'UA']);
    },
  },
  {
    name: 'NDJSON with nested and missing values',
    format: 'ndjson',
    content:
      '{"carrier":{"code":"AA"},"delay":1}\n{"carrier":"AA"}\n{"carrier":"AA","delay":[1]}\n{"carrier":true,"delay":2,"extra":{"a":1}}\n',
    check: (result) => {
      const partial = expectOk(result);
      expect(partial.rejectedSamples.map((sample) => sample.reason)).toEqual([
        'field "carrier" is a nested object',
        'field "delay" is missing or null',
        'field "delay" is a nested array',
      ]);
      expect(partial.groups.map((group) => group.key)).toEqual([{ carrier: 'true' }]);
    },
  },
  {
    name: 'NDJSON rows all missing a metric',
    format: 'ndjson',
    content: '{"carrier":"AA","dealy":1}\n\n{"carrier":"UA","dealy":2}\n',
    check: (result) =>
      expectError(
        result,
        'all-rows-rejected',
        'The file has no usable row: all 2 data rows were rejected.',
        'The first rejected row is line 1: field "delay" is missing or null.',
        'Check that every groupBy and metrics name in the manifest is a field of the file',
      ),
  },
  {
    name: 'CSV read as NDJSON',
    format: 'ndjson',
    content: 'carrier,delay\nAA,1\nUA,2\n',
    check: (result) =>
      expectError(
        result,
        'all-rows-rejected',
        'all 3 data rows were rejected',
        'The first rejected row is line 1: invalid JSON: ',
        'The file is not NDJSON: set "format" in the manifest',
      ),
  },
  {
    name: 'CSV whose only row has a text metric',
    format: 'csv',
    content: 'carrier,delay\nAA,late\n',
    check: (result) =>
      expectError(
        result,
        'all-rows-rejected',
        'its 1 data row was rejected',
        'line 2: column "delay": not a decimal number: "late"',
        'Check that the metrics name columns of decimal numbers',
      ),
  },
  {
    name: 'CSV rows all with too few fields',
    format: 'csv',
    content: 'carrier,delay,origin\nAA,1\nUA,2\n',
    check: (result) =>
      expectError(result, 'all-rows-rejected', 'expected 3 fields as in the header, found 2', 'fix the rows'),
  },
  {
    name: 'NDJSON line over 1 MiB',
    format: 'ndjson',
    content: `{"carrier":"${'A'.repeat(1024 * 1024 + 10)}","delay":1}\n`,
    check: (result) => expectError(result, 'parse', 'line 1 is longer than'),
  },
];

describe('mapStream on bad input', () => {
  test.each(fileCases)(
    '$name',
    async ({ format, content, groupBy, metrics, maxGroups, check }) => {
      const result = await mapStream(chunkedStream(content, 7), {
        fileName: format === 'csv' ? 'data.csv' : 'data.ndjson',
        format,
        groupBy: groupBy ?? ['carrier'],
        metrics: metrics ?? ['delay'],
        maxGroups,
      });
      check(result);
    },
    15_000,
  );

  test.each(['csv', 'ndjson'] as const)('%s stops reading an endless file after a whole-file error', async (format) => {
    let chunksRead = 0;
    async function* endless() {
      yield Buffer.from(format === 'csv' ? 'airline,delay\n' : '{"carrier":"AA","delay":1}\n');
      for (;;) {
        chunksRead += 1;
        yield Buffer.from(chunksRead === 3 ? '\u0000' : 'x'.repeat(1000));
      }
    }
    const result = await mapStream(endless(), {
      fileName: 'endless',
      format,
      groupBy: ['carrier'],
      metrics: ['delay'],
    });
    expect(result.ok).toBe(false);
    expect(chunksRead).toBeLessThan(100);
  });

  test.each(['csv', 'ndjson'] as const)('%s source failure is thrown for a retry', async (format) => {
    async function* failing() {
      yield Buffer.from(format === 'csv' ? 'carrier,delay\nAA,1\n' : '{"carrier":"AA","delay":1}\n');
      throw new Error('connection reset');
    }
    await expect(
      mapStream(failing(), { fileName: 'f', format, groupBy: ['carrier'], metrics: ['delay'] }),
    ).rejects.toThrow('connection reset');
  });

  test('string chunks from an encoded stream are read', async () => {
    const stream = chunkedStream('carrier,delay\nAA,1\nAA,2\n', 5);
    stream.setEncoding('utf8');
    const result = await mapStream(stream, {
      fileName: 'f.csv',
      format: 'csv',
      groupBy: ['carrier'],
      metrics: ['delay'],
    });
    expect(expectOk(result).groups[0].metrics.delay.sum).toBe(3);
  });

  test('unknown format is an invalid input', async () => {
    await expect(
      mapStream(chunkedStream(''), {
        fileName: 'f.xml',
        format: 'xml' as InputFormat,
        groupBy: [],
        metrics: [],
      }),
    ).rejects.toThrow(InvalidInputError);
  });

  test('multi-byte characters cut at every chunk edge', async () => {
    const content = 'carrier,delay\nZürich 東京 🚀,1\n';
    for (const size of [1, 2, 3, 5]) {
      const result = await mapStream(chunkedStream(content, size), {
        fileName: 'data.csv',
        format: 'csv',
        groupBy: ['carrier'],
        metrics: ['delay'],
      });
      expect(expectOk(result).groups[0].key.carrier).toBe('Zürich 東京 🚀');
    }
  });

  test('UTF-16 BOM split across chunks', async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('carrier,delay\nAA,1\n', 'utf16le')]);
    const result = await mapStream(chunkedStream(content, 1), {
      fileName: 'data.csv',
      format: 'csv',
      groupBy: ['carrier'],
      metrics: ['delay'],
    });
    expectError(result, 'invalid-encoding', 'byte order mark FF FE');
  });

  test('NDJSON group values become strings', async () => {
    const content = [
      '{"carrier":1,"delay":1}',
      '{"carrier":1.0,"delay":"2"}',
      '{"carrier":"1","delay":" 1e2 "}',
      '{"carrier":true,"delay":3}',
      '{"carrier":"true","delay":4}',
      '{"carrier":1e21,"delay":5}',
      '{"carrier":-0,"delay":6}',
      '{"carrier":1.50,"delay":7}',
      '',
    ].join('\n');
    const result = await mapStream(chunkedStream(content), {
      fileName: 'data.ndjson',
      format: 'ndjson',
      groupBy: ['carrier'],
      metrics: ['delay'],
    });
    const partial = expectOk(result);
    const sums = Object.fromEntries(partial.groups.map((group) => [group.key.carrier, group.metrics.delay.sum]));
    expect(sums).toEqual({ '0': 6, '1': 103, '1.5': 7, '1e+21': 5, true: 7 });
  });

  test('error messages are capped at 4 KB', async () => {
    const header = Array.from({ length: 2000 }, (_, i) => `column_${i}`).join(',');
    const result = await mapStream(chunkedStream(`${header}\n`), {
      fileName: 'wide.csv',
      format: 'csv',
      groupBy: ['carrier'],
      metrics: [],
    });
    expectError(result, 'missing-column', 'truncated');
    expect(Buffer.byteLength(result.ok ? '' : result.error.message)).toBeLessThanOrEqual(4096);
  });
});

interface ManifestCase {
  name: string;
  text: string;
  field: string;
  fragments: string[];
}

const manifestCases: ManifestCase[] = [
  { name: 'bad JSON', text: '{"groupBy": [', field: 'manifest', fragments: ['not JSON'] },
  { name: 'not an object', text: '["carrier"]', field: 'manifest', fragments: ['expected a JSON object'] },
  {
    name: 'wrong type',
    text: '{"groupBy": "carrier"}',
    field: 'groupBy',
    fragments: ['"carrier" is not an array', 'Allowed: an array'],
  },
  {
    name: 'unknown format',
    text: '{"format": "parquet"}',
    field: 'format',
    fragments: ['"parquet" is not a known format', '"csv" or "ndjson"'],
  },
  {
    name: 'unknown field',
    text: '{"groupby": ["carrier"]}',
    field: 'groupby',
    fragments: ['unknown field "groupby"', 'Known fields: format, groupBy, metrics'],
  },
  { name: 'quantile of 1', text: '{"quantiles": [0.5, 1]}', field: 'quantiles', fragments: ['item 1 = 1'] },
  { name: 'quantile of 0', text: '{"quantiles": [0]}', field: 'quantiles', fragments: ['item 0 = 0'] },
  { name: 'duplicate metric', text: '{"metrics": ["a", "a"]}', field: 'metrics', fragments: ['duplicate'] },
  { name: 'empty column name', text: '{"groupBy": [""]}', field: 'groupBy', fragments: ['is an empty string'] },
  {
    name: 'percentage over 100',
    text: '{"toleratedFailurePercentage": 101}',
    field: 'toleratedFailurePercentage',
    fragments: ['0 to 100'],
  },
  {
    name: 'percentage as text',
    text: '{"toleratedFailurePercentage": "5"}',
    field: 'toleratedFailurePercentage',
    fragments: ['"5"'],
  },
  { name: 'fractional maxItems', text: '{"maxItems": 2.5}', field: 'maxItems', fragments: ['positive integer'] },
  { name: 'zero maxItems', text: '{"maxItems": 0}', field: 'maxItems', fragments: ['positive integer'] },
  { name: 'zero chunkSize', text: '{"chunkSize": 0}', field: 'chunkSize', fragments: ['from 1 to 5000'] },
  { name: 'file with ..', text: '{"files": ["a/../../b.csv"]}', field: 'files', fragments: ['".." segment'] },
  {
    name: 'file with leading slash',
    text: '{"files": ["/etc/passwd"]}',
    field: 'files',
    fragments: ['starts with a slash'],
  },
  { name: 'manifest as a file', text: '{"files": ["_manifest.json"]}', field: 'files', fragments: ['manifest itself'] },
  { name: 'null value', text: '{"metrics": null}', field: 'metrics', fragments: ['null is not an array'] },
];

describe('parseManifest', () => {
  test.each(manifestCases)('rejects $name', ({ text, field, fragments }) => {
    let caught: unknown;
    try {
      parseManifest(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const error = caught as InvalidInputError;
    expect(error.name).toBe('InvalidInputError');
    expect(error.field).toBe(field);
    for (const fragment of fragments) {
      expect(error.message).toContain(fragment);
    }
  });

  test('applies defaults to an empty object', () => {
    expect(parseManifest('{}')).toEqual({
      format: undefined,
      groupBy: [],
      metrics: [],
      quantiles: [0.5, 0.95, 0.99],
      files: undefined,
      toleratedFailurePercentage: 0,
      maxItems: undefined,
      chunkSize: 500,
    });
  });

  test('keeps every valid field', () => {
    const manifest = parseManifest(
      '\uFEFF{"format":"ndjson","groupBy":["a"],"metrics":["m"],"quantiles":[0.999],"files":["x/y.jsonl"],"toleratedFailurePercentage":12.5,"maxItems":10,"chunkSize":3}',
    );
    expect(manifest).toEqual({
      format: 'ndjson',
      groupBy: ['a'],
      metrics: ['m'],
      quantiles: [0.999],
      files: ['x/y.jsonl'],
      toleratedFailurePercentage: 12.5,
      maxItems: 10,
      chunkSize: 3,
    });
  });
});
