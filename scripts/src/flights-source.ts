import path from 'node:path';

/** Path of the 3-million-row US flights sample (2001-01-01 to 2001-07-01) shipped by the vega-datasets package. */
export function flightsParquetPath(): string {
  const entry = require.resolve('vega-datasets');
  return path.join(path.dirname(entry), '..', 'data', 'flights-3m.parquet');
}
