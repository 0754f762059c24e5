import type { MapReduceSize } from './cases/map-reduce';
import type { ReplayGrowthSize } from './cases/replay-growth';
import type { ThroughputSize } from './cases/throughput';
import type { WaitFanOutSize } from './cases/wait-fan-out';

/** The workload of every case; `--quick` and the smoke test use smaller ones. */
export interface BenchSizes {
  runs: number;
  wait: WaitFanOutSize;
  mapReduce: MapReduceSize[];
  replay: ReplayGrowthSize;
  throughput: ThroughputSize;
  /** Days of flights for case 5; undefined takes all 182 days (3 million rows). */
  flightDays: number | undefined;
}

export const FULL_SIZES: BenchSizes = {
  runs: 3,
  wait: { activities: 10, waitMs: 1000 },
  mapReduce: [
    { files: 1000, rowsPerFile: 50 },
    { files: 4000, rowsPerFile: 50 },
  ],
  replay: { small: 250, large: 4000 },
  throughput: { instances: 4, activities: 1000 },
  flightDays: undefined,
};

export const QUICK_SIZES: BenchSizes = {
  runs: 3,
  wait: { activities: 10, waitMs: 1000 },
  mapReduce: [
    { files: 100, rowsPerFile: 50 },
    { files: 400, rowsPerFile: 50 },
  ],
  replay: { small: 250, large: 1000 },
  throughput: { instances: 2, activities: 500 },
  flightDays: 7,
};
