import type { Knex } from 'knex';

/**
 * Whether a knex client's database lives in memory only (SQLite `:memory:`, as a stock
 * Backstage app's `app-config.yaml` configures it): then the promotion ledger, meant to be
 * permanent, is gone when the backend stops. Reads the client's resolved connection
 * (`filename` for better-sqlite3 / sqlite3; Backstage turns `connection: ':memory:'` into
 * `{ filename: ':memory:' }`); PostgreSQL and SQLite files are not in memory.
 */
export function isInMemoryDatabase(client: Knex): boolean {
  const config = client.client.config as {
    client?: unknown;
    connection?: unknown;
  };
  if (!['better-sqlite3', 'sqlite3'].includes(String(config.client)))
    return false;
  const connection = config.connection as
    | string
    | { filename?: string }
    | undefined;
  const filename =
    typeof connection === 'string' ? connection : connection?.filename;
  return (
    !filename || filename === ':memory:' || filename.startsWith('file::memory:')
  );
}

/** The warning logged at start-up when the ledger is in memory. */
export const IN_MEMORY_LEDGER_WARNING =
  'The promotion ledger is in an in-memory SQLite database: every promotion, approval and event is lost when the backend stops. ' +
  'Configure backend.database with PostgreSQL, or SQLite with connection.directory (a file per plugin), to keep it.';
