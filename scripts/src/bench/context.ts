import type { RunningAzurite } from '../azurite';
import type { Storage } from '../storage';
import type { BenchHost } from './bench-host';

/** Settings every case gets: the run count, folders and the progress log. */
export interface BenchSettings {
  /** Measured runs per case, after one warm-up run. */
  runs: number;
  /** Folder for host data of this bench run, removed at its end. */
  workDir: string;
  /** Folder for the hosts' log files, kept until the next bench run. */
  logDir: string;
  /** Folder of the Function App under test: its build runs on the host and its pipeline in the plain baseline. */
  appDir: string;
  /** The project's data folder, where generated input files are cached between bench runs. */
  dataDir: string;
  /** App worker threads of the hosts the case starts, passed to the host as `--workers`. */
  workers: number;
  /** Writes a progress line to stderr. */
  progress(message: string): void;
}

/** Settings plus the Azurite instance of one storage case. */
export interface BenchContext extends BenchSettings {
  azurite: RunningAzurite;
  storage: Storage;
}

/** A host running the fan-out fixture app, shared by the synthetic cases. */
export interface FixtureHostContext extends BenchSettings {
  host: BenchHost;
}
