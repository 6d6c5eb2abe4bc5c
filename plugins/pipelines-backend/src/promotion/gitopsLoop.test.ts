import { mockCredentials } from '@backstage/backend-test-utils';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { Octokit } from 'octokit';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * The whole GitOps loop on the sandbox: level triggers open pull requests on the forge,
 * merging one makes the GitOps stand-in apply it and Flux roll it out, and the next
 * environment's promotion follows — up to prod, which waits for an approval.
 */
describe('level-triggered promotions through the GitOps loop', () => {
  let sandbox: Sandbox;
  let server: any;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    // prod needs a manual approval
    const api =
      sandbox.clusters.management.admin.makeApiClient(CustomObjectsApi);
    const gvr = {
      group: 'pipelines.weave.works',
      version: 'v1alpha1',
      namespace: 'flux-system',
      plural: 'pipelines',
      name: 'podinfo-02',
    };
    const p: any = await api.getNamespacedCustomObject(gvr);
    p.spec.environments[2].promotion = {
      manual: true,
      strategy: p.spec.promotion.strategy,
    };
    await api.replaceNamespacedCustomObject({ ...gvr, body: p });
    server = await startSandboxBackend(sandbox, {
      pipelines: {
        levelTriggers: true,
        pullRequestPolling: {
          minInterval: { milliseconds: 500 },
          maxInterval: { seconds: 1 },
        },
      },
    });
  });
  afterAll(() => sandbox?.stop());

  const ledger = async () =>
    (
      await request(server).get(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions?limit=100',
      )
    ).body.items as any[];
  const versions = async () => {
    const d = (
      await request(server).get(
        '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02',
      )
    ).body;
    return d.environments
      ?.map(
        (e: any) =>
          `${e.name}:${
            e.targets.every((t: any) => t.health === 'ready')
              ? e.versions.map((v: any) => v.version).join('+')
              : 'rolling'
          }`,
      )
      .join(' ');
  };
  const octokit = () =>
    new Octokit({
      auth: sandbox.forgeUser!.token,
      baseUrl: `${sandbox.forge!.url}/api/v3`,
    });
  const merge = async (url: string) => {
    const pullNumber = Number(url.split('/').pop());
    await octokit().rest.pulls.merge({
      owner: 'my-org',
      repo: 'my-app-repo',
      pull_number: pullNumber,
    });
  };

  it('goes from dev to prod, with prod approved by a person', async () => {
    expect(
      await until(
        async () =>
          (await versions()) === 'dev:6.1.0 test:6.0.1 prod:6.0.0'
            ? true
            : undefined,
        'initial state',
      ),
    ).toBe(true);

    // dev is ahead of test: a pull request promotes 6.1.0 into test; test is ahead of prod: prod waits for approval.
    const toTest = await until(
      async () =>
        (
          await ledger()
        ).find(
          r =>
            r.toEnvironment === 'test' &&
            r.version === '6.1.0' &&
            r.state === 'awaiting-merge',
        ),
      'PR into test',
    );
    expect(toTest).toMatchObject({
      trigger: 'level',
      requestedBy: 'pipelines:level-trigger',
    });
    const waitingProd = await until(
      async () =>
        (
          await ledger()
        ).find(r => r.toEnvironment === 'prod' && r.version === '6.0.1'),
      'prod request',
    );
    expect(waitingProd.state).toBe('waiting-approval');

    // Merging the PR: the GitOps stand-in applies it, Flux rolls test to 6.1.0.
    await merge(toTest.pullRequestUrl);
    await until(
      async () =>
        (await versions()) === 'dev:6.1.0 test:6.1.0 prod:6.0.0'
          ? true
          : undefined,
      'test rolled out',
    );

    // Now prod's newer candidate supersedes the older waiting one.
    const toProd = await until(
      async () =>
        (
          await ledger()
        ).find(r => r.toEnvironment === 'prod' && r.version === '6.1.0'),
      'prod 6.1.0 request',
    );
    expect(toProd.state).toBe('waiting-approval');
    expect((await ledger()).find(r => r.id === waitingProd.id).state).toBe(
      'superseded',
    );

    const approved = await request(server)
      .post(`/api/pipelines/v1/promotions/${toProd.id}/approve`)
      .set('Authorization', mockCredentials.user.header('user:default/bob'))
      .send({ reason: 'release 6.1.0' });
    expect(approved.status).toBe(200);
    // The test row settles from the watch cache once every test target runs 6.1.0.
    expect(
      await until(
        async () =>
          (
            await ledger()
          ).find(r => r.id === toTest.id && r.state === 'deployed'),
        'test deployed',
      ),
    ).toMatchObject({ mergedBy: sandbox.forgeUser!.username });
    const done = await until(
      async () =>
        (
          await ledger()
        ).find(r => r.id === toProd.id && r.state === 'awaiting-merge'),
      'prod PR',
    );
    await merge(done.pullRequestUrl);
    await until(
      async () =>
        (await versions()) === 'dev:6.1.0 test:6.1.0 prod:6.1.0'
          ? true
          : undefined,
      'prod rolled out',
    );
    await until(
      async () =>
        (
          await ledger()
        ).find(r => r.id === toProd.id && r.state === 'deployed'),
      'prod deployed',
    );
    // Every promotion ended: deployed, or superseded by the newer version.
    expect(
      (await ledger())
        .map(r => `${r.toEnvironment} ${r.version} ${r.state}`)
        .sort(),
    ).toEqual([
      'prod 6.0.1 superseded',
      'prod 6.1.0 deployed',
      'test 6.1.0 deployed',
    ]);
    expect(
      await sandbox.forge!.readFile(
        'my-org',
        'my-app-repo',
        'main',
        'clusters/prod/podinfo-02-prod/podinfo.yaml',
      ),
    ).toContain(
      'version: 6.1.0 # {"$promotion": "flux-system:podinfo-02:prod"}',
    );
  });
});
