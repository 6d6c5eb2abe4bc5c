import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { Octokit } from 'octokit';
import request from 'supertest';
import { postSignedEvent, signSeedPipeline } from '../__testUtils__/signedSeed';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(240_000);

/**
 * Issue 16 §6 on the sandbox, through the REST API: blocking a version cancels its open
 * promotion (closing the pull request on the forge) and refuses every request for it —
 * user, webhook, rollback — with the reason; "block and roll back" opens the rollback to the
 * version deployed before in one step; unblocking lets it through again; both are audited.
 */
describe('blocked versions on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  const base = '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02';
  const alice = mockCredentials.user.header('user:default/alice');
  const audited: Array<{ eventId: string; meta?: any }> = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, meta }) => {
      audited.push({ eventId, meta });
      return { success: async () => {}, fail: async () => {} };
    },
  });

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    await signSeedPipeline(sandbox);
    server = await startSandboxBackend(sandbox, {
      features: [auditor.factory],
      pipelines: {
        pullRequestPolling: {
          minInterval: { milliseconds: 300 },
          maxInterval: { seconds: 1 },
        },
      },
    });
    await until(
      async () =>
        (
          await request(server).get(base)
        ).body.environments?.[1]?.targets?.every(
          (t: any) => t.health === 'ready',
        )
          ? true
          : undefined,
      'pipeline in cache',
    );
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const octokit = () =>
    new Octokit({
      auth: sandbox.forgeUser!.token,
      baseUrl: `${sandbox.forge!.url}/api/v3`,
    });
  const promotion = async (id: string) =>
    (await request(server).get(`/api/pipelines/v1/promotions/${id}`)).body;
  const inState = (id: string, state: string) =>
    until(
      async () =>
        (await promotion(id)).state === state ? promotion(id) : undefined,
      `${id} ${state}`,
    );
  const promote = (version: string) =>
    request(server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'test', version });
  const block = (body: object) =>
    request(server)
      .post(`${base}/blocks`)
      .set('Authorization', alice)
      .send(body);
  /** Promotes into test through a merged pull request, until deployed. */
  const deploy = async (version: string) => {
    const open = await inState(
      (
        await promote(version)
      ).body.id,
      'awaiting-merge',
    );
    await octokit().rest.pulls.merge({
      owner: 'my-org',
      repo: 'my-app-repo',
      pull_number: open.pullRequestNumber,
    });
    return inState(open.id, 'deployed');
  };

  it('cancels the open promotion of a blocked version, closes its pull request, and refuses it everywhere with the reason', async () => {
    const open = await inState(
      (
        await promote('6.5.0')
      ).body.id,
      'awaiting-merge',
    );
    const blocked = await block({
      version: '6.5.0',
      reason: 'crash loop in staging',
    });
    expect(blocked.status).toBe(201);
    expect(blocked.body).toMatchObject({
      created: true,
      block: {
        version: '6.5.0',
        blockedBy: 'user:default/alice',
        reason: 'crash loop in staging',
      },
      notCancelled: [],
    });
    expect(blocked.body.cancelled).toEqual([
      expect.objectContaining({ id: open.id, state: 'cancelled' }),
    ]);
    expect(
      sandbox
        .forge!.listPulls('my-org', 'my-app-repo')
        .find(p => p.number === open.pullRequestNumber)?.state,
    ).toBe('closed');

    const refused = await promote('6.5.0');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      '6.5.0 is blocked by user:default/alice: crash loop in staging',
    );
    const fromFlux = await postSignedEvent(
      server,
      '/api/pipelines/promotion/flux-system/podinfo-02/dev',
      {
        involvedObject: {
          kind: 'HelmRelease',
          name: 'podinfo',
          namespace: 'podinfo-02-dev',
        },
        severity: 'info',
        reason: 'UpgradeSucceeded',
        metadata: { revision: '6.5.0' },
      },
    );
    expect(fromFlux.status).toBe(409);
    expect(
      (await block({ version: '6.5.0', reason: 'again' })).body,
    ).toMatchObject({
      created: false,
      block: { reason: 'crash loop in staging' },
    });
    expect(
      (await request(server).get(`${base}/promotions`)).body.blocks,
    ).toEqual([expect.objectContaining({ version: '6.5.0' })]);

    const lifted = await request(server)
      .delete(`${base}/blocks/6.5.0`)
      .set('Authorization', alice);
    expect(lifted.status).toBe(200);
    expect((await promote('6.5.0')).status).toBe(201);
    expect(
      audited
        .filter(e => e.eventId.startsWith('version-'))
        .map(e => [e.eventId, e.meta.version, e.meta.by]),
    ).toEqual([
      ['version-blocked', '6.5.0', 'user:default/alice'],
      ['version-unblocked', '6.5.0', 'user:default/alice'],
    ]);
  });

  it('refuses to block a look-alike spelling of a version (invisible, full-width, newline), blocking nothing', async () => {
    for (const version of ['6.5.0\u200b', '６.５.０', '6.5.0\n', '-rf']) {
      const res = await block({ version, reason: 'look-alike' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/version/i);
    }
    expect(
      (await request(server).get(`${base}/blocks`)).body.items.filter(
        (b: { reason: string }) => b.reason === 'look-alike',
      ),
    ).toEqual([]);
  });

  it('blocks a version and rolls the environment that runs it back to the version deployed there before, in one step', async () => {
    await deploy('6.6.0');
    const bad = await block({
      version: '6.6.0',
      reason: 'no',
      rollbackEnvironment: 'test',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'No version other than 6.6.0 was deployed into "test" before: nothing to roll back to',
    );
    expect((await request(server).get(`${base}/blocks`)).body.items).toEqual(
      [],
    );

    await deploy('6.7.0');
    const blocked = await block({
      version: '6.7.0',
      reason: 'memory leak',
      rollbackEnvironment: 'test',
    });
    expect(blocked.status).toBe(201);
    expect(blocked.body.rollback).toMatchObject({
      version: '6.6.0',
      toEnvironment: 'test',
      trigger: 'rollback',
    });
    const holds = (await request(server).get(`${base}/holds`)).body.items;
    expect(holds).toEqual([
      expect.objectContaining({
        environment: 'test',
        reason: 'rollback to 6.6.0: 6.7.0 blocked: memory leak',
      }),
    ]);
    const noRollbackToIt = await request(server)
      .post(`${base}/rollback`)
      .set('Authorization', alice)
      .send({ environment: 'test', version: '6.7.0' });
    expect(noRollbackToIt.status).toBe(409);
  });
});
