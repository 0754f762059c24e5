import type Database from 'better-sqlite3';
import type { NewMessage } from './rows';

/** Prepares each statement once; better-sqlite3 statements are reusable and preparing costs more than running. */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  get(text: string): Database.Statement {
    let statement = this.cache.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.cache.set(text, statement);
    }
    return statement;
  }
}

export function insertMessages(statements: Statements, messages: NewMessage[], now: number): void {
  const insert = statements.get(
    'INSERT INTO messages (instance_id, execution_id, kind, event, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const message of messages) {
    insert.run(message.instanceId, message.executionId, message.kind, message.event, now);
  }
}
