import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'fs';
import knexFactory from 'knex';
import os from 'os';
import path from 'path';
import { isInMemoryDatabase } from './inMemory';

jest.setTimeout(60_000);

describe('isInMemoryDatabase', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it('is true for the in-memory SQLite a stock app configures', async () => {
    expect(isInMemoryDatabase(await databases.init('SQLITE_3'))).toBe(true);
  });

  it('is false for a SQLite file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'pipelines.sqlite') },
      useNullAsDefault: true,
    });
    try {
      await knex.raw('select 1');
      expect(isInMemoryDatabase(knex)).toBe(false);
    } finally {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  if (databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
    it('is false for PostgreSQL', async () => {
      expect(isInMemoryDatabase(await databases.init('POSTGRES_15'))).toBe(
        false,
      );
    });
  }
});
