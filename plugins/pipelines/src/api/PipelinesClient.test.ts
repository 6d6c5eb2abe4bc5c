import { MockFetchApi } from '@backstage/test-utils';
import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { PipelinesClient } from './PipelinesClient';

describe('PipelinesClient', () => {
  const discoveryApi = UrlPatternDiscovery.compile(
    'http://localhost:1234/api/{{ pluginId }}',
  );

  function clientWith(response: Response) {
    const calls: string[] = [];
    const fetchApi = new MockFetchApi({
      baseImplementation: async (input: any) => {
        calls.push(String(input));
        return response;
      },
    });
    return { client: new PipelinesClient({ discoveryApi, fetchApi }), calls };
  }

  it('gets the pipelines of an entity at the documented path', async () => {
    const body = {
      entityRef: 'component:default/podinfo',
      annotationErrors: [],
      items: [],
    };
    const { client, calls } = clientWith(
      new Response(JSON.stringify(body), { status: 200 }),
    );
    await expect(
      client.getEntityPipelines({
        kind: 'Component',
        namespace: 'default',
        name: 'podinfo',
      }),
    ).resolves.toEqual(body);
    expect(calls).toEqual([
      'http://localhost:1234/api/pipelines/v1/entity/component/default/podinfo/pipelines',
    ]);
  });

  it('lists pipelines with filters', async () => {
    const { client, calls } = clientWith(
      new Response(JSON.stringify({ items: [], clusters: [] })),
    );
    await client.listPipelines({
      cluster: 'management',
      namespace: 'flux-system',
    });
    expect(calls).toEqual([
      'http://localhost:1234/api/pipelines/v1/pipelines?cluster=management&namespace=flux-system',
    ]);
  });

  it('keeps the backend error message', async () => {
    const error = {
      error: {
        name: 'NotFoundError',
        message: 'Entity component:default/x not found',
      },
      response: { statusCode: 404 },
    };
    const { client } = clientWith(
      new Response(JSON.stringify(error), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    await expect(
      client.getEntityPipelines({
        kind: 'component',
        namespace: 'default',
        name: 'x',
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { message: 'Entity component:default/x not found' } },
    });
  });
});
