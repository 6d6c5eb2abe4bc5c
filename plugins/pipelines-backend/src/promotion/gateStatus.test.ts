import { mockCredentials } from '@backstage/backend-test-utils';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { Octokit } from 'octokit';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * Issue 16 §7 on the sandbox, through GitHub's API (octokit against the forge stand-in): an
 * open promotion pull request carries the commit status `pipelines/<namespace>/<name>/<env>`
 * — success while every gate passes, pending with the reason once the environment is frozen,
 * success again when the freeze is lifted.
 */
describe('gate status on the pull request', () => {
  let sandbox: Sandbox;
  let server: any;
  const base = '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02';
  const repo = { owner: 'my-org', repo: 'my-app-repo' };

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    server = await startSandboxBackend(sandbox, {
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
  const annotate = (value: string | null) =>
    sandbox.clusters.management.admin
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObject(
        {
          group: 'pipelines.weave.works',
          version: 'v1alpha1',
          plural: 'pipelines',
          namespace: 'flux-system',
          name: 'podinfo-02',
          body: {
            metadata: {
              annotations: { 'pipelines.weave.works/freeze': value },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
  const statusOf = async (sha: string) => {
    const { data } = await octokit().rest.repos.getCombinedStatusForRef({
      ...repo,
      ref: sha,
    });
    return data.statuses.find(
      s => s.context === 'pipelines/flux-system/podinfo-02/test',
    );
  };

  it('is success while the gates pass, pending with the reason while test is frozen, and success again after', async () => {
    const created = await request(server)
      .post(`${base}/promotions`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ environment: 'test', version: '6.5.1' });
    const open = await until(async () => {
      const p = (
        await request(server).get(
          `/api/pipelines/v1/promotions/${created.body.id}`,
        )
      ).body;
      return p.state === 'awaiting-merge' ? p : undefined;
    }, 'awaiting-merge');
    const { data: pull } = await octokit().rest.pulls.get({
      ...repo,
      pull_number: open.pullRequestNumber,
    });
    const sha = pull.head.sha;
    expect(await until(() => statusOf(sha), 'first status')).toMatchObject({
      state: 'success',
      description: 'all gates passed',
    });

    await annotate('test=00:00-00:00');
    const frozen = await until(
      async () =>
        (await statusOf(sha))?.state === 'pending' ? statusOf(sha) : undefined,
      'pending status',
    );
    expect(frozen!.description).toMatch(
      /^waiting: test is frozen until \d{4}-\d\d-\d\dT00:00:00\.000Z$/,
    );
    const { data: combined } =
      await octokit().rest.repos.getCombinedStatusForRef({ ...repo, ref: sha });
    expect(combined.state).toBe('pending');

    await annotate(null);
    await until(
      async () =>
        (await statusOf(sha))?.state === 'success' ? true : undefined,
      'success again',
    );
    const { data: all } = await octokit().rest.repos.listCommitStatusesForRef({
      ...repo,
      ref: sha,
    });
    expect(
      all
        .filter(s => s.context === 'pipelines/flux-system/podinfo-02/test')
        .map(s => s.state),
    ).toEqual(['success', 'pending', 'success']);
  });
});
