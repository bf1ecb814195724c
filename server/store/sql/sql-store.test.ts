import { after, describe, it } from 'node:test';
import { closeSharedPglite, freshPostgres, NO_POSTGRES, sharedPglite, type TestDatabase } from '../../test-support/databases.js';
import { storeContract } from '../store-contract.js';
import { SqlStore } from './sql-store.js';

after(closeSharedPglite);
storeContract('SqlStore on PGlite', async (limits) => new SqlStore(await sharedPglite(), limits));

const postgres: TestDatabase | undefined = await freshPostgres();
if (postgres) {
  after(() => postgres.drop());
  storeContract('SqlStore on PostgreSQL', async (limits) => {
    await postgres.truncate();
    return new SqlStore(postgres.db, limits);
  });
} else {
  describe('Store contract: SqlStore on PostgreSQL', () => {
    it('runs on a real PostgreSQL server', (t) => t.skip(NO_POSTGRES));
  });
}
