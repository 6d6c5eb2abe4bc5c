import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import http from 'http';
import { AddressInfo } from 'net';
import { createPromoteAction, parsePipelineInput } from './promote';

type Seen = {
  method?: string;
  url?: string;
  auth?: string;
  trigger?: string;
  body: string;
};

/** A stand-in pipelines backend on loopback, answering the two routes the action uses. */
async function startBackend(
  linked: Array<{ cluster: string; namespace: string; name: string }>,
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        trigger: req.headers['x-pipelines-trigger'] as string,
        body,
      });
      res.setHeader('Content-Type', 'application/json');
      if (
        req.method === 'GET' &&
        req.url?.startsWith('/api/pipelines/v1/entity/')
      ) {
        res.end(
          JSON.stringify({
            entityRef: 'component:default/podinfo',
            annotationErrors: [],
            items: linked.map(ref => ({
              ref,
              state: 'no-cluster-data',
              message: '',
            })),
          }),
        );
      } else if (req.method === 'POST' && req.url?.endsWith('/promotions')) {
        res.statusCode = 201;
        res.end(JSON.stringify({ id: 'p-1', state: 'waiting-approval' }));
      } else {
        res.statusCode = 404;
        res.end(
          JSON.stringify({
            error: { name: 'NotFoundError', message: 'nope' },
            response: { statusCode: 404 },
          }),
        );
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/pipelines`;
  return { seen, baseUrl, close: () => new Promise(r => server.close(r)) };
}

function context(input: Record<string, unknown>, isDryRun = false) {
  const outputs: Record<string, unknown> = {};
  return {
    outputs,
    ctx: {
      input,
      isDryRun,
      logger: mockServices.logger.mock(),
      output: (k: string, v: unknown) => (outputs[k] = v),
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/alice'),
    } as any,
  };
}

describe('pipelines:promote', () => {
  const ref = {
    cluster: 'management',
    namespace: 'flux-system',
    name: 'podinfo-02',
  };
  let backend: Awaited<ReturnType<typeof startBackend>>;
  afterEach(() => backend?.close());

  function action() {
    return createPromoteAction({
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => backend.baseUrl,
        getExternalBaseUrl: async () => backend.baseUrl,
      },
    });
  }

  it('resolves the entity pipeline and requests the promotion on behalf of the user', async () => {
    backend = await startBackend([ref]);
    const { ctx, outputs } = context({
      entityRef: 'component:default/podinfo',
      environment: 'prod',
      version: '6.0.1',
    });
    await action().handler(ctx);
    expect(backend.seen.map(s => `${s.method} ${s.url}`)).toEqual([
      'GET /api/pipelines/v1/entity/component/default/podinfo/pipelines',
      'POST /api/pipelines/v1/pipelines/management/flux-system/podinfo-02/promotions',
    ]);
    // No entityRef: the backend decides on the entity the Pipeline itself names.
    expect(JSON.parse(backend.seen[1].body)).toEqual({
      environment: 'prod',
      version: '6.0.1',
    });
    expect(backend.seen[1].trigger).toBe('scaffolder');
    // a token for the pipelines plugin, issued on behalf of the template's user
    expect(backend.seen[1].auth).toBe(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.user('user:default/alice'),
        targetPluginId: 'pipelines',
      }),
    );
    expect(outputs).toEqual({ promotionId: 'p-1', state: 'waiting-approval' });
  });

  it('uses an explicit pipeline without asking for the entity', async () => {
    backend = await startBackend([]);
    const { ctx, outputs } = context({
      pipeline: 'management:flux-system/podinfo-02',
      environment: 'test',
      version: '1.2.3',
    });
    await action().handler(ctx);
    expect(backend.seen.map(s => s.method)).toEqual(['POST']);
    expect(outputs.promotionId).toBe('p-1');
  });

  it('changes nothing on a dry run', async () => {
    backend = await startBackend([ref]);
    const { ctx, outputs } = context(
      {
        entityRef: 'component:default/podinfo',
        environment: 'prod',
        version: '6.0.1',
      },
      true,
    );
    await action().handler(ctx);
    expect(backend.seen.map(s => s.method)).toEqual(['GET']);
    expect(outputs).toEqual({ promotionId: 'dry-run', state: 'dry-run' });
  });

  it('refuses ambiguous or missing pipelines with a clear message', async () => {
    backend = await startBackend([ref, { ...ref, name: 'other' }]);
    await expect(
      action().handler(
        context({
          entityRef: 'component:default/podinfo',
          environment: 'prod',
          version: '1',
        }).ctx,
      ),
    ).rejects.toThrow(
      'component:default/podinfo links several pipelines (management:flux-system/podinfo-02, management:flux-system/other); give pipeline',
    );
    await expect(
      action().handler(context({ environment: 'prod', version: '1' }).ctx),
    ).rejects.toThrow('Give entityRef or pipeline');
    await expect(
      action().handler(
        context({
          pipeline: 'flux-system/podinfo-02',
          environment: 'prod',
          version: '1',
        }).ctx,
      ),
    ).rejects.toThrow('pipeline needs the cluster');
    expect(backend.seen.filter(s => s.method === 'POST')).toHaveLength(0);
  });

  it('parses pipeline references', () => {
    expect(parsePipelineInput('a:b/c')).toEqual({
      cluster: 'a',
      namespace: 'b',
      name: 'c',
    });
    expect(parsePipelineInput('b/c')).toEqual({
      cluster: undefined,
      namespace: 'b',
      name: 'c',
    });
    expect(() => parsePipelineInput('b')).toThrow(
      'is not of the form [cluster:]namespace/name',
    );
  });
});
