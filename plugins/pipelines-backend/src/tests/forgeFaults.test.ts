import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { apply, Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import type { GitForge } from '@gitops-pipelines/sandbox';
import fs from 'fs';
import os from 'os';
import path from 'path';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';
import { closedPort, TcpProxy } from '../__testUtils__/tcpProxy';

/*
 * The plugin reads neither the runner's retry timing nor the forge request timeout from
 * config: the test backend runs the real plugin with these two constructors given shorter
 * values (retries after 200, 400, 800, 1,600 ms instead of 2, 4, 8, 16 s; forge requests
 * and git transfers time out after 2 s instead of 30 s). Everything else is the default.
 */
jest.mock('../promotion/PromotionEngine', () => {
  const actual = jest.requireActual('../promotion/PromotionEngine');
  return {
    ...actual,
    PromotionEngine: class extends actual.PromotionEngine {
      constructor(options: object) {
        super({ ...options, retryBaseMs: 200 });
      }
    },
  };
});
jest.mock('../promotion/strategies/pullRequest/PullRequestStrategy', () => {
  const actual = jest.requireActual(
    '../promotion/strategies/pullRequest/PullRequestStrategy',
  );
  return {
    ...actual,
    PullRequestStrategy: class extends actual.PullRequestStrategy {
      constructor(options: object) {
        super({ ...options, requestTimeoutMs: 2000 });
      }
    },
  };
});

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const alice = mockCredentials.user.header('user:default/alice');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type ForgeType = 'github' | 'gitlab' | 'bitbucket-server';

/**
 * Forge faults (issue 13 §3) through the real plugin in a test backend, against the
 * sandbox's forge: rate limits, 5xx, a forge that does not answer, refused connections and
 * a 401 are retried by the promotion runner with backoff (honouring Retry-After), each
 * failed attempt is an `attempt-failed` event, and a promotion that runs out of attempts
 * fails with a message naming the failure and the attempt count.
 */
describe('forge faults', () => {
  let sandbox: Sandbox;
  let forge: GitForge;
  let proxy: TcpProxy;
  let closed: number;
  let cacheDir: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ fluxDelayMs: 100 });
    forge = sandbox.forge!;
    proxy = new TcpProxy(Number(new URL(forge.url).port));
    await proxy.start();
    closed = await closedPort();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-faults-repos-'));
  });
  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.stop();
    if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  describe.each(databases.eachSupportedId())('with %s', databaseId => {
    let server: any;
    let count = 0;

    beforeAll(async () => {
      server = await startSandboxBackend(sandbox, {
        knex: await databases.init(databaseId),
        pipelines: {
          repositoryCacheDir: cacheDir,
          // The forge, the proxy in front of it and a closed port are known forges (http).
          forges: {
            allowedHosts: [forge.url, `http://127.0.0.1:${proxy.port}`].concat(
              `http://127.0.0.1:${closed}`,
            ),
          },
          // No pull-request polls during the file: every forge request is a promotion's.
          pullRequestPolling: {
            minInterval: { minutes: 10 },
            maxInterval: { minutes: 10 },
          },
        },
      });
      // The seed pipeline's targets are ready once the cache has read the Secrets of
      // flux-system, where the forge credentials are.
      await until(async () => {
        const res = await request(server).get(
          '/api/pipelines/v1/pipelines/management/flux-system/podinfo-02',
        );
        return res.body.environments?.[1]?.targets?.every(
          (t: any) => t.health === 'ready',
        );
      }, 'seed pipeline in the cache');
    });

    /**
     * A repository on the forge (GitHub and GitLab `faults/<name>`, Bitbucket Server
     * `FAULTS/<name>`) with a field marked for environment test, and a Pipeline promoting
     * into test by pull request there — on the forge, or on `host` (the proxy, a closed port).
     */
    async function pipelineOn(type: ForgeType, host = forge.url) {
      count += 1;
      const name = `faults-${databaseId
        .toLowerCase()
        .replace(/_/g, '')}-${count}`;
      const owner = type === 'bitbucket-server' ? 'FAULTS' : 'faults';
      await forge.createRepo(owner, name, {
        'clusters/test/app.yaml': `version: 1.0.0 # {"$promotion": "flux-system:${name}:test"}\n`,
      });
      const url =
        type === 'bitbucket-server'
          ? `${host}/scm/${owner}/${name}.git`
          : `${host}/${owner}/${name}`;
      const ref = {
        kind: 'GitopsCluster',
        name: 'dev',
        namespace: 'flux-system',
      };
      await apply(sandbox.clusters.management.admin, [
        {
          apiVersion: 'pipelines.weave.works/v1alpha1',
          kind: 'Pipeline',
          metadata: { name, namespace: 'flux-system' },
          spec: {
            appRef: {
              apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
              kind: 'HelmRelease',
              name: 'podinfo',
            },
            environments: [
              {
                name: 'dev',
                targets: [{ namespace: 'podinfo-02-dev', clusterRef: ref }],
              },
              {
                name: 'test',
                targets: [{ namespace: 'podinfo-02-qa', clusterRef: ref }],
              },
            ],
            promotion: {
              strategy: {
                'pull-request': {
                  type,
                  url,
                  baseBranch: 'main',
                  secretRef: { name: 'github-credentials' },
                },
              },
            },
          },
        } as any,
      ]);
      await until(
        async () =>
          (
            await request(server).get(
              `/api/pipelines/v1/pipelines/management/flux-system/${name}`,
            )
          ).status === 200,
        `${name} in the cache`,
      );
      return { name, owner, url };
    }

    /**
     * Requests the promotion of 99.0.0 into test (newer than the 6.x podinfo-02-qa runs: a
     * person's older request is refused, pointing at Roll back); returns the row's id.
     */
    async function promote(name: string): Promise<string> {
      const res = await request(server)
        .post(
          `/api/pipelines/v1/pipelines/management/flux-system/${name}/promotions`,
        )
        .set('Authorization', alice)
        .send({ environment: 'test', version: '99.0.0' });
      expect(res.status).toBe(201);
      return res.body.id;
    }

    const detail = async (id: string) =>
      (await request(server).get(`/api/pipelines/v1/promotions/${id}`)).body;
    const failures = (d: any): string[] =>
      d.events
        .filter((e: any) => e.type === 'attempt-failed')
        .map((e: any) => e.message);
    const eventAt = (d: any, type: string) =>
      Date.parse(d.events.find((e: any) => e.type === type).at);

    /** Waits for the row to reach `state`; the error shows the row as last seen. */
    async function settled(id: string, state: string) {
      let last: any;
      return until(async () => {
        last = await detail(id);
        return last.state === state ? last : undefined;
      }, `${id} ${state}`).catch(e => {
        throw new Error(`${e.message}; last seen: ${JSON.stringify(last)}`);
      });
    }

    /** Waits for the row's `n`th attempt-failed event. */
    const failedAttempts = (id: string, n: number) =>
      until(async () => {
        const d = await detail(id);
        return failures(d).length >= n ? d : undefined;
      }, `${id}: ${n} failed attempt(s)`);

    /** The row is awaiting the merge of the one pull request on the repository, which it opened. */
    function expectOnePullRequest(d: any, owner: string, name: string) {
      const pulls = forge.listPulls(owner, name);
      expect(pulls).toHaveLength(1);
      expect(d).toMatchObject({
        state: 'awaiting-merge',
        pullRequestNumber: pulls[0].number,
      });
      expect(d.error).toBeUndefined();
      expect(d.events.map((e: any) => e.type)).toContain('pull-request-opened');
      expect(pulls[0]).toMatchObject({
        state: 'open',
        head: `promotion-flux-system-${name}-test`,
      });
    }

    it('429 with Retry-After: the runner waits as long as the forge asks, then opens one pull request', async () => {
      const { name, owner } = await pipelineOn('github');
      forge.injectFaults({
        status: 429,
        retryAfterSeconds: 1,
        message: 'You have exceeded a secondary rate limit',
      });
      const id = await promote(name);
      await failedAttempts(id, 1);
      // Nothing asks the forge again before Retry-After has passed.
      const requests = forge.requests.length;
      await sleep(600);
      expect(forge.requests.length).toBe(requests);
      const d = await settled(id, 'awaiting-merge');
      expect(failures(d)).toEqual([
        'attempt 1 of 5 failed: listing pull requests: HTTP 429 You have exceeded a secondary rate limit; retrying in 1 s',
      ]);
      expect(
        eventAt(d, 'pull-request-opened') - eventAt(d, 'attempt-failed'),
      ).toBeGreaterThanOrEqual(950);
      expect(d.attempts).toBe(2);
      expectOnePullRequest(d, owner, name);
    });

    it('5xx beyond the budget: failed after 5 attempts, naming the HTTP failure', async () => {
      const { name, owner } = await pipelineOn('github');
      forge.injectFaults(
        ...Array.from({ length: 5 }, () => ({
          status: 502,
          message: 'Bad Gateway',
        })),
      );
      const d = await settled(await promote(name), 'failed');
      const error =
        'listing pull requests: HTTP 502 Bad Gateway (after 5 attempts)';
      expect(d).toMatchObject({ attempts: 5, error });
      expect(failures(d)).toEqual(
        ['0', '0', '1', '2'].map(
          (s, i) =>
            `attempt ${
              i + 1
            } of 5 failed: listing pull requests: HTTP 502 Bad Gateway; retrying in ${s} s`,
        ),
      );
      expect(d.events[d.events.length - 1]).toMatchObject({
        type: 'failed',
        message: error,
      });
      expect(forge.listPulls(owner, name)).toEqual([]);
    });

    it('one 401 on opening the pull request is a retryable failure (commit a1a5c6c): retried, then one pull request', async () => {
      const { name, owner } = await pipelineOn('github');
      // The listing answers; opening the pull request gets the 401.
      forge.injectFaults({}, { status: 401, message: 'Bad credentials' });
      const d = await settled(await promote(name), 'awaiting-merge');
      expect(failures(d)).toEqual([
        'attempt 1 of 5 failed: opening the pull request: HTTP 401 Bad credentials; retrying in 0 s',
      ]);
      expect(d.attempts).toBe(2);
      expectOnePullRequest(d, owner, name);
    });

    // PostgreSQL repeats the cases above, which exercise the row's bookkeeping (Retry-After
    // as the claim's expiry, the budget, the 401 rule); these do not depend on the database
    // and run on SQLite only, to keep the file short.
    (databaseId === 'SQLITE_3' ? describe : describe.skip)(
      '(on SQLite)',
      () => {
        it('429 without Retry-After, 502 and 503: each failed attempt is an event, the fourth attempt opens the pull request', async () => {
          const { name, owner } = await pipelineOn('github');
          forge.injectFaults(
            { status: 429 },
            { status: 502, message: 'Bad Gateway' },
            { status: 503, message: 'Service Unavailable' },
          );
          const d = await settled(await promote(name), 'awaiting-merge');
          // Backoff from the 200 ms base: 0.2, 0.4, 0.8 s (rounded in the message).
          expect(failures(d)).toEqual([
            'attempt 1 of 5 failed: listing pull requests: HTTP 429 injected failure; retrying in 0 s',
            'attempt 2 of 5 failed: listing pull requests: HTTP 502 Bad Gateway; retrying in 0 s',
            'attempt 3 of 5 failed: listing pull requests: HTTP 503 Service Unavailable; retrying in 1 s',
          ]);
          expect(d.attempts).toBe(4);
          expectOnePullRequest(d, owner, name);
        });

        it('a forge API that does not answer: the request times out and the attempt is retried', async () => {
          const { name, owner } = await pipelineOn('github');
          forge.injectFaults({ delayMs: 5000 });
          const id = await promote(name);
          const first = await failedAttempts(id, 1);
          // Not "HTTP 500" (as octokit reports it): no answer has no status.
          expect(failures(first)).toEqual([
            'attempt 1 of 5 failed: listing pull requests: no answer within 2 s; retrying in 0 s',
          ]);
          const d = await settled(id, 'awaiting-merge');
          expect(d.attempts).toBe(2);
          expectOnePullRequest(d, owner, name);
        });

        it('a git server that accepts and never answers: the transfer times out and the attempt is retried', async () => {
          const { name, owner, url } = await pipelineOn(
            'github',
            `http://127.0.0.1:${proxy.port}`,
          );
          proxy.hang = true;
          let id = '';
          try {
            id = await promote(name);
            const first = await failedAttempts(id, 1);
            expect(failures(first)[0]).toMatch(
              new RegExp(
                `^attempt 1 of 5 failed: ${url}: git fetch failed: .*Operation too slow.*; retrying in 0 s$`,
              ),
            );
          } finally {
            proxy.hang = false;
          }
          expectOnePullRequest(
            await settled(id, 'awaiting-merge'),
            owner,
            name,
          );
        });

        it('refused connections: retried while the forge is down, a pull request once it is back on its port', async () => {
          const { name, owner, url } = await pipelineOn(
            'github',
            `http://127.0.0.1:${proxy.port}`,
          );
          await proxy.stop();
          let id = '';
          try {
            id = await promote(name);
            const first = await failedAttempts(id, 1);
            expect(failures(first)[0]).toMatch(
              new RegExp(
                `^attempt 1 of 5 failed: ${url}: git fetch failed: fatal: unable to access '${url}/': Failed to connect to 127\\.0\\.0\\.1 port ${proxy.port}.*; retrying in 0 s$`,
              ),
            );
          } finally {
            await proxy.start();
          }
          const d = await settled(id, 'awaiting-merge');
          expect(d.attempts).toBeGreaterThanOrEqual(2);
          expect(failures(d)).toHaveLength(d.attempts - 1);
          expectOnePullRequest(d, owner, name);
        });

        it('a forge that stays unreachable: failed after 5 attempts with the connection error', async () => {
          const port = closed;
          const { name, url } = await pipelineOn(
            'github',
            `http://127.0.0.1:${port}`,
          );
          const d = await settled(await promote(name), 'failed');
          expect(d.attempts).toBe(5);
          expect(failures(d)).toHaveLength(4);
          expect(d.error).toMatch(
            new RegExp(
              `^${url}: git fetch failed: fatal: unable to access '${url}/': Failed to connect to 127\\.0\\.0\\.1 port ${port}.* \\(after 5 attempts\\)$`,
            ),
          );
        });

        it.each([
          ['gitlab', 503, 'listing merge requests'],
          ['bitbucket-server', 429, 'listing pull requests'],
        ] as const)(
          '%s: a %d with Retry-After is retried when asked, an API request without an answer times out',
          async (type, status, what) => {
            const { name, owner } = await pipelineOn(type);
            forge.injectFaults(
              { status, retryAfterSeconds: 1 },
              { delayMs: 5000 },
            );
            const d = await settled(await promote(name), 'awaiting-merge');
            expect(failures(d)).toEqual([
              `attempt 1 of 5 failed: ${what}: HTTP ${status} injected failure; retrying in 1 s`,
              `attempt 2 of 5 failed: ${what}: no answer within 2 s; retrying in 0 s`,
            ]);
            const [first, second] = d.events
              .filter((e: any) => e.type === 'attempt-failed')
              .map((e: any) => Date.parse(e.at));
            expect(second - first).toBeGreaterThanOrEqual(2950);
            expect(d.attempts).toBe(3);
            expectOnePullRequest(d, owner, name);
          },
        );
      },
    );
  });
});
