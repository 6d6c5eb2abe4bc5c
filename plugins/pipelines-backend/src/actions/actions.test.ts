import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Sandbox, waitUntil as until } from '@gitops-pipelines/sandbox';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'net';
import request from 'supertest';
import { startSandboxBackend } from '../__testUtils__/startSandboxBackend';

jest.setTimeout(180_000);

/**
 * The pipelines actions as an AI agent reaches them: Backstage's MCP server
 * (@backstage/plugin-mcp-actions-backend) over streamable HTTP, with a user's token, through
 * the official MCP client. The tools list, read the sandbox's pipeline and ledger, and request
 * a promotion that waits for its approval like any other request.
 */
describe('pipelines actions over MCP', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ flux: false });
  });
  afterAll(() => sandbox?.stop());

  async function connect(
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    const server = await startSandboxBackend(sandbox, {
      permission,
      config: { backend: { actions: { pluginSources: ['pipelines'] } } },
      features: [
        actionsRegistryServiceFactory,
        actionsServiceFactory,
        mcpActionsPlugin,
      ],
    });
    if (permission === AuthorizeResult.ALLOW) {
      await until(
        async () =>
          (
            await request(server).get(
              '/api/pipelines/v1/pipelines/management/flux-system/podinfo-gated',
            )
          ).body.environments
            ? true
            : undefined,
        'pipeline in cache',
      );
    }
    const { port } = server.address() as AddressInfo;
    const client = new Client({
      name: 'pipelines-test-agent',
      version: '1.0.0',
    });
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${port}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: {
            Authorization: mockCredentials.user.header('user:default/alice'),
          },
        },
      },
    );
    await client.connect(transport);
    return client;
  }
  const structured = (result: any) =>
    result.structuredContent ?? JSON.parse(result.content[0].text);

  it('lists the three tools and calls them on behalf of the user', async () => {
    const client = await connect(AuthorizeResult.ALLOW);
    try {
      const { tools } = await client.listTools();
      const byName = (suffix: string) =>
        tools.find(t => t.name.endsWith(suffix))!;
      for (const suffix of [
        'get-pipeline',
        'list-promotions',
        'request-promotion',
      ])
        expect(byName(suffix)).toBeDefined();
      expect(byName('get-pipeline').annotations).toMatchObject({
        readOnlyHint: true,
      });
      expect(byName('request-promotion').annotations).toMatchObject({
        destructiveHint: true,
        readOnlyHint: false,
      });

      const pipeline = structured(
        await client.callTool({
          name: byName('get-pipeline').name,
          arguments: { namespace: 'flux-system', name: 'podinfo-gated' },
        }),
      );
      expect(pipeline.pipeline.environments.map((e: any) => e.name)).toEqual([
        'dev',
        'test',
        'prod',
      ]);

      const requested = structured(
        await client.callTool({
          name: byName('request-promotion').name,
          arguments: {
            namespace: 'flux-system',
            name: 'podinfo-gated',
            environment: 'prod',
            version: '6.0.1',
          },
        }),
      );
      expect(requested).toMatchObject({
        state: 'waiting-approval',
        created: true,
        promotion: { requestedBy: 'user:default/alice', trigger: 'user' },
      });

      const listed = structured(
        await client.callTool({
          name: byName('list-promotions').name,
          arguments: { namespace: 'flux-system', name: 'podinfo-gated' },
        }),
      );
      expect(listed.active.map((p: any) => p.id)).toContain(requested.id);

      const missing = await client.callTool({
        name: byName('get-pipeline').name,
        arguments: { namespace: 'flux-system', name: 'nope' },
      });
      expect(missing.isError).toBe(true);
      expect(JSON.stringify(missing.content)).toContain(
        'Pipeline flux-system/nope not found',
      );
    } finally {
      await client.close();
    }
  });

  it('refuses a user without the permissions, and changes nothing', async () => {
    const client = await connect(AuthorizeResult.DENY);
    try {
      const { tools } = await client.listTools();
      const requestTool = tools.find(t =>
        t.name.endsWith('request-promotion'),
      )!;
      const refused = await client.callTool({
        name: requestTool.name,
        arguments: {
          namespace: 'flux-system',
          name: 'podinfo-gated',
          environment: 'prod',
          version: '6.0.2',
        },
      });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/Not allowed/);
    } finally {
      await client.close();
    }
  });
});
