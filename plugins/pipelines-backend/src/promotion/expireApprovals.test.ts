import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabasePromotionStore } from '../database/DatabasePromotionStore';
import { APPROVAL_TIMEOUT_ACTOR, expireApprovals } from './expireApprovals';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const pipeline = {
  cluster: 'management',
  namespace: 'flux-system',
  name: 'podinfo-gated',
};

describe.each(databases.eachSupportedId())(
  'expireApprovals (%s)',
  databaseId => {
    it('rejects the requests unanswered for longer than the timeout, logs why, audits it, and tells when the next one runs out', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabasePromotionStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      const waiting = async (version: string, hoursAgo: number) => {
        const { record } = await store.create(
          {
            pipeline,
            fromEnvironment: 'test',
            toEnvironment: 'prod',
            version,
            trigger: 'user',
            requestedBy: 'user:default/alice',
            state: 'waiting-approval',
            strategy: 'pull-request',
            requiredApprovals: 2,
          },
          {
            type: 'requested',
            actor: 'user:default/alice',
            message: 'requested',
          },
        );
        const at = new Date(
          Date.parse('2026-11-30T12:00:00Z') - hoursAgo * 3_600_000,
        );
        await knex('promotions')
          .where({ id: record.id })
          .update({ created_at: at, updated_at: at });
        return record.id;
      };
      const old = await waiting('6.1.0', 25);
      const recent = await waiting('6.2.0', 2);
      const audited: string[] = [];
      const next = await expireApprovals({
        store,
        timeoutMs: 24 * 3_600_000,
        audit: async (eventId, record) =>
          void audited.push(`${eventId} ${record.version} ${record.state}`),
        now: Date.parse('2026-11-30T12:00:00Z'),
      });
      expect(await store.get(old)).toMatchObject({
        state: 'rejected',
        error: 'No decision within 1 day: rejected',
      });
      expect((await store.events(old)).pop()).toMatchObject({
        type: 'rejected',
        actor: APPROVAL_TIMEOUT_ACTOR,
        message: 'No decision within 1 day: rejected',
      });
      expect((await store.get(recent))?.state).toBe('waiting-approval');
      expect(audited).toEqual(['promotion-approval-expired 6.1.0 rejected']);
      expect(next).toBe(Date.parse('2026-11-30T10:00:00Z') + 24 * 3_600_000);
    });
  },
);
