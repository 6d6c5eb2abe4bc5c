import { mockCredentials } from '@backstage/backend-test-utils';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startStoppableSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * The ledger is permanent when the database is: on a SQLite file (as `npm start` keeps it,
 * in .data/sqlite), a promotion, its approval state and its events are all there after the
 * backend stops and a new one starts on the same file.
 */
describe('the ledger across a backend restart', () => {
  let sandbox: Sandbox;
  let dir: string;
  const base =
    '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated';
  const alice = mockCredentials.user.header('user:default/alice');
  const open = (): Knex =>
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'pipelines.sqlite') },
      useNullAsDefault: true,
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-restart-'));
    sandbox = await Sandbox.start({ flux: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every promotion and its events on a SQLite file', async () => {
    // podinfo-gated's prod needs an approval: the request waits, so nothing moves it meanwhile.
    let knex = open();
    let backend = await startStoppableSandboxBackend(sandbox, { knex });
    await until(
      async () =>
        (
          await request(backend.server).get(base)
        ).body.environments
          ? true
          : undefined,
      'pipeline in cache',
    );
    const created = await request(backend.server)
      .post(`${base}/promotions`)
      .set('Authorization', alice)
      .send({ environment: 'prod', version: '6.0.1' });
    expect(created.status).toBe(201);
    const before = (
      await request(backend.server).get(
        `/api/pipelines/v1/promotions/${created.body.id}`,
      )
    ).body;
    expect(before.state).toBe('waiting-approval');
    await backend.stop();
    await knex.destroy();

    knex = open();
    backend = await startStoppableSandboxBackend(sandbox, { knex });
    try {
      const after = (
        await request(backend.server).get(
          `/api/pipelines/v1/promotions/${created.body.id}`,
        )
      ).body;
      expect(after).toMatchObject({
        id: before.id,
        state: 'waiting-approval',
        version: '6.0.1',
        toEnvironment: 'prod',
        requestedBy: 'user:default/alice',
      });
      expect(after.events.map((e: any) => e.type)).toEqual(
        before.events.map((e: any) => e.type),
      );
      const history = (await request(backend.server).get(`${base}/promotions`))
        .body;
      expect(history.items.map((p: any) => p.id)).toContain(created.body.id);
    } finally {
      await backend.stop();
      await knex.destroy();
    }
  });
});
