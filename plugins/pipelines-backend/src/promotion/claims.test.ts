import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePromotionStore } from '../database/DatabasePromotionStore';
import { NewPromotion } from '../database/PromotionStore';
import { holdClaim } from './claims';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const LEASE_MS = 300;
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-02',
};
const promotion = (version: string): NewPromotion => ({
  pipeline,
  fromEnvironment: 'dev',
  toEnvironment: 'test',
  version,
  trigger: 'webhook',
  requestedBy: 'webhook:flux-system/podinfo-02',
  state: 'queued',
  strategy: 'pull-request',
});
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe.each(databases.eachSupportedId())(
  'claims on the promotion ledger (%s)',
  databaseId => {
    async function runningRow(version: string) {
      const knex = await databases.init(databaseId);
      const store = await DatabasePromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const { record } = await store.create(promotion(version), {
        type: 'requested',
        message: 'requested',
      });
      // Queued → running: the row a runner claims.
      const taken = await store.takeEnvironment(record.id, () => true);
      expect(taken).toMatchObject({
        taken: true,
        record: { state: 'running' },
      });
      /** Who holds the row, and until when (as stored). */
      const claim = async () => {
        const row = await knex('promotions').where({ id: record.id }).first();
        return {
          owner: row.claimed_by as string | null,
          expiresAt: new Date(row.claim_expires_at).getTime(),
        };
      };
      return { store, id: record.id, claim };
    }

    it('keeps a row held while holdClaim works past the lease, and frees it one lease after the work ends unreleased', async () => {
      const { store, id, claim } = await runningRow('1.0.0');
      const logger = mockServices.logger.mock();
      expect(await store.claim(id, 'running', 'replica-a', LEASE_MS)).toBe(
        true,
      );
      const firstExpiry = (await claim()).expiresAt;

      const stolen: boolean[] = [];
      const workStarted = Date.now();
      const result = await holdClaim(
        { store, logger, id, owner: 'replica-a', leaseMs: LEASE_MS },
        async () => {
          // ~3 leases of work; another replica keeps trying to take the row over meanwhile.
          while (Date.now() - workStarted < 3 * LEASE_MS) {
            stolen.push(
              await store.claim(id, 'running', 'replica-b', LEASE_MS),
            );
            await sleep(40);
          }
          return 'written';
        },
      );
      const workEnded = Date.now();

      expect(result).toBe('written');
      expect(workEnded - workStarted).toBeGreaterThanOrEqual(3 * LEASE_MS);
      expect(stolen.length).toBeGreaterThan(10);
      expect(stolen.every(taken => !taken)).toBe(true);
      // Right after the work ended, unreleased: the row is still replica-a's.
      expect(await store.claim(id, 'running', 'replica-b', LEASE_MS)).toBe(
        false,
      );
      // (A renewal sent just before the work ended may still be on its way to the database.)
      await sleep(30);
      // Renewed while working: without the heartbeat the claim would have ended at firstExpiry.
      const held = await claim();
      expect(held.owner).toBe('replica-a');
      expect(held.expiresAt).toBeGreaterThan(firstExpiry + LEASE_MS);
      expect(held.expiresAt).toBeGreaterThan(Date.now());
      expect(held.expiresAt).toBeLessThanOrEqual(workEnded + LEASE_MS);
      expect(logger.warn).not.toHaveBeenCalled();

      // It stays with replica-a until the lease runs out…
      expect(await store.claim(id, 'running', 'replica-b', LEASE_MS)).toBe(
        false,
      );
      // …and the heartbeat stopped with the work: the lease is not extended any more.
      await sleep(Math.max(0, held.expiresAt - Date.now()) + 30);
      expect((await claim()).expiresAt).toBe(held.expiresAt);
      expect(await store.claim(id, 'running', 'replica-b', LEASE_MS)).toBe(
        true,
      );
      expect((await claim()).owner).toBe('replica-b');
    });

    it("keeps a release's retry time: no renewal lands after the release made during the work", async () => {
      const { store, id, claim } = await runningRow('1.1.0');
      const logger = mockServices.logger.mock();
      expect(await store.claim(id, 'running', 'replica-a', LEASE_MS)).toBe(
        true,
      );
      const retryAt = new Date(Date.now() + 5_000);
      await holdClaim(
        { store, logger, id, owner: 'replica-a', leaseMs: LEASE_MS },
        async release => {
          // Work that spans renewals, a release (a retryable failure), then a little more work.
          await sleep(LEASE_MS / 3 + 60);
          await release(retryAt, 'attempt 1 of 5 failed');
          await sleep(LEASE_MS);
        },
      );
      await sleep(LEASE_MS);
      expect((await claim()).expiresAt).toBe(retryAt.getTime());
      expect(await store.claim(id, 'running', 'replica-b', LEASE_MS)).toBe(
        false,
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('lets another replica take over a claim that is never renewed once its lease has passed, and not before', async () => {
      const { store, id, claim } = await runningRow('2.0.0');
      const claimedAt = Date.now();
      // replica-a claims and then dies: nothing renews or releases the claim.
      expect(await store.claim(id, 'running', 'replica-a', LEASE_MS)).toBe(
        true,
      );
      const { expiresAt } = await claim();
      expect(expiresAt).toBeGreaterThanOrEqual(claimedAt + LEASE_MS);

      const attempts: Array<{ endedAt: number; taken: boolean }> = [];
      const deadline = claimedAt + 5 * LEASE_MS;
      while (!attempts.some(a => a.taken) && Date.now() < deadline) {
        const taken = await store.claim(id, 'running', 'replica-b', LEASE_MS);
        attempts.push({ endedAt: Date.now(), taken });
        await sleep(20);
      }

      const takeover = attempts.find(a => a.taken);
      expect(takeover).toBeDefined();
      // Every attempt made while the lease ran failed; the first success came after it.
      const duringLease = attempts.filter(a => a.endedAt < expiresAt);
      expect(duringLease.length).toBeGreaterThan(5);
      expect(duringLease.every(a => !a.taken)).toBe(true);
      expect(takeover!.endedAt).toBeGreaterThanOrEqual(claimedAt + LEASE_MS);
      expect(takeover!.endedAt).toBeLessThan(expiresAt + LEASE_MS);
      expect((await claim()).owner).toBe('replica-b');
      // The row counted both attempts to write it.
      expect((await store.get(id))?.attempts).toBe(2);
    });

    it('refuses to renew for an owner that no longer holds the claim', async () => {
      const { store, id, claim } = await runningRow('3.0.0');
      expect(await store.claim(id, 'running', 'replica-a', 20)).toBe(true);
      expect(await store.renew(id, 'replica-a', LEASE_MS)).toBe(true);
      expect(await store.renew(id, 'replica-b', LEASE_MS)).toBe(false);
      await sleep(LEASE_MS + 30);
      expect(await store.claim(id, 'running', 'replica-b', 60_000)).toBe(true);
      const takenOver = await claim();

      // replica-a stalled past its lease and lost the row: its renewal changes nothing.
      expect(await store.renew(id, 'replica-a', LEASE_MS)).toBe(false);
      expect(await claim()).toEqual(takenOver);
      expect(await store.renew(id, 'replica-b', 60_000)).toBe(true);

      // A row that left running is claimed by nobody, so nobody renews it.
      await store.transition(id, ['running'], 'awaiting-merge', {
        pullRequestNumber: 7,
      });
      expect(await store.renew(id, 'replica-b', LEASE_MS)).toBe(false);
      expect((await claim()).owner).toBeNull();
    });

    it('warns when the heartbeat finds that another replica took the row over', async () => {
      const { store, id, claim } = await runningRow('4.0.0');
      const logger = mockServices.logger.mock();
      expect(await store.claim(id, 'running', 'replica-a', 20)).toBe(true);
      await sleep(40);
      expect(await store.claim(id, 'running', 'replica-b', 60_000)).toBe(true);

      // replica-a resumes its work unaware; its first renewal (after a third of the lease) fails.
      await holdClaim(
        { store, logger, id, owner: 'replica-a', leaseMs: LEASE_MS },
        () => sleep(LEASE_MS / 3 + 150),
      );

      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          new RegExp(`^Promotion ${id}: this replica's claim was lost`),
        ),
      );
      expect((await claim()).owner).toBe('replica-b');
    });
  },
);
