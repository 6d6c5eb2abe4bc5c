import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { createRouter, RouterOptions } from '../service/createRouter';
import {
  createWebhookRouter,
  WebhookRouterOptions,
} from '../service/createWebhookRouter';
import { spec } from './openapi.generated';

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

/** `METHOD /path/{param}` for every route an Express router (and the routers it uses) serves. */
function routesOf(router: express.Router): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return found;
}

describe('openapi.yaml', () => {
  it('documents every route the plugin serves, and every documented operation is served', async () => {
    // Registering routes calls none of the services: empty stand-ins are enough here.
    const api = await createRouter({
      logger: mockServices.logger.mock(),
    } as unknown as RouterOptions);
    const webhooks = createWebhookRouter({
      logger: mockServices.logger.mock(),
    } as unknown as WebhookRouterOptions);
    const served = [...routesOf(api), ...routesOf(webhooks)]
      .filter(r => r !== 'GET /openapi.json')
      .sort();
    const documented = Object.entries(spec.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map(method => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(served).toEqual(documented);
  });

  it('is what the router validates against: a body or query outside it is refused before any handler', async () => {
    const api = await createRouter({
      logger: mockServices.logger.mock(),
    } as unknown as RouterOptions);
    const app = express()
      .use(api)
      .use(((err, _req, res, _next) => {
        res.status(400).json({ name: err.name, message: err.message });
      }) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(
        `http://127.0.0.1:${port}/v1/pipelines/c/ns/p/promotions`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ environment: 'prod', version: 7 }),
        },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        name: 'InputError',
        message: 'request/body/version must be string',
      });
      const page = await fetch(
        `http://127.0.0.1:${port}/v1/pipelines/c/ns/p/promotions?limit=500`,
      );
      expect(await page.json()).toEqual({
        name: 'InputError',
        message: 'request/query/limit must be <= 100',
      });
    } finally {
      server.close();
    }
  });
});
