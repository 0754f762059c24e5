import Database from 'better-sqlite3';
import path from 'node:path';

/** Last and next occurrence of a monitored timer, as the Functions host records them between runs. */
export interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

/** Keeps timer schedule status in `<data>/timers.sqlite`, so a restart can tell that an occurrence was missed. */
export class TimerStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string], ScheduleStatus>;
  readonly #put: Database.Statement<[string, string, string, string]>;

  constructor(dataDir: string) {
    this.#db = new Database(path.join(dataDir, 'timers.sqlite'));
    this.#db.exec(`CREATE TABLE IF NOT EXISTS schedule_status (
      function_name TEXT PRIMARY KEY,
      last TEXT NOT NULL,
      next TEXT NOT NULL,
      last_updated TEXT NOT NULL
    )`);
    this.#get = this.#db.prepare(
      'SELECT last, next, last_updated AS lastUpdated FROM schedule_status WHERE function_name = ?',
    );
    this.#put = this.#db.prepare(
      `INSERT INTO schedule_status (function_name, last, next, last_updated) VALUES (?, ?, ?, ?)
       ON CONFLICT (function_name) DO UPDATE SET last = excluded.last, next = excluded.next, last_updated = excluded.last_updated`,
    );
  }

  get(functionName: string): ScheduleStatus | undefined {
    return this.#get.get(functionName);
  }

  put(functionName: string, status: ScheduleStatus): void {
    this.#put.run(functionName, status.last, status.next, status.lastUpdated);
  }

  close(): void {
    this.#db.close();
  }
}
