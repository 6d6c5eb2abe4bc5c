import { mockCredentials } from '@backstage/backend-test-utils';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(240_000);

/**
 * Issue 22's loop on the sandbox's podinfo-gated (prod behind two approvals, level
 * triggers on): a person cancels an approved prod promotion, and the level trigger used
 * to request the same version again at once — 15 rows in 3 minutes. A person's decision
 * now stands: the cancelled version is not requested again automatically, while a
 * person still can.
 */
describe('the level trigger and a person’s decision on the sandbox', () => {
  let sandbox: Sandbox;
  let server: any;
  const base =
    '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated';
  const as = (user: string) =>
    mockCredentials.user.header(`user:default/${user}`);

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    server = await startSandboxBackend(sandbox, {
      pipelines: { levelTriggers: true },
    });
  });
  afterAll(() => sandbox?.stop());

  const prodRows = async () =>
    (
      (await request(server).get(`${base}/promotions?limit=100`)).body
        .items as any[]
    ).filter(r => r.toEnvironment === 'prod');

  it('does not re-request a version a person cancelled after approvals, and lets a person request it', async () => {
    const waiting = await until(
      async () =>
        (
          await prodRows()
        ).find(r => r.version === '6.0.1' && r.state === 'waiting-approval'),
      'the level trigger asks for 6.0.1 in prod',
    );
    expect(waiting).toMatchObject({
      trigger: 'level',
      requestedBy: 'pipelines:level-trigger',
      requiredApprovals: 2,
    });
    const approved = await request(server)
      .post(`/api/pipelines/v1/promotions/${waiting.id}/approve`)
      .set('Authorization', as('bob'))
      .send({ reason: 'looks good' });
    expect(approved.status).toBe(200);
    const cancelled = await request(server)
      .post(`/api/pipelines/v1/promotions/${waiting.id}/cancel`)
      .set('Authorization', as('carol'))
      .send({ reason: 'not during the sale' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');

    // The trigger looks again as soon as a promotion ends; before the fix a new
    // waiting row appeared within a second, and again after each cancel.
    const seen = new Set<string>();
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      for (const r of await prodRows()) seen.add(`${r.id} ${r.state}`);
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    expect([...seen].filter(s => !s.startsWith(waiting.id))).toEqual([]);
    expect(await prodRows()).toEqual([
      expect.objectContaining({ id: waiting.id, state: 'cancelled' }),
    ]);

    // A person may ask for it again; the trigger adds nothing to that either.
    const again = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as('dave'))
      .send({ environment: 'prod', version: '6.0.1' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      trigger: 'user',
      state: 'waiting-approval',
    });
    await new Promise(resolve => setTimeout(resolve, 1_500));
    expect((await prodRows()).map(r => `${r.version} ${r.state}`)).toEqual([
      '6.0.1 waiting-approval',
      '6.0.1 cancelled',
    ]);
  });

  it('refuses a person an older version than prod runs, pointing at Roll back', async () => {
    const older = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', as('dave'))
      .send({ environment: 'prod', version: '5.9.0' });
    expect(older.status).toBe(409);
    expect(older.body.error.message).toBe(
      'prod runs 6.0.0, newer than 5.9.0: only a rollback goes back (Roll back to 5.9.0, which also holds prod)',
    );
    for (const version of ['6.0.1\u200b', '６.０.１', '6.0.1\n', '-rf']) {
      const bad = await request(server)
        .post(`${base}/promotions`)
        .set('Authorization', as('dave'))
        .send({ environment: 'prod', version });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^version /);
    }
  });
});
