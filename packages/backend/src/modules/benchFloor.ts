import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import fs from 'fs';

/**
 * The benchmark's floor (`npm run bench`, bench/README.md): plugin `benchfloor`, added to the
 * demo backend only when `PIPELINES_BENCH_FLOOR_FILE` is set. `GET /api/benchfloor/entity`
 * checks the caller's Backstage user token exactly as the pipelines routes do (httpAuth, users
 * only) and answers the bytes of that file — the entity view's response, saved by the bench —
 * and nothing else: no catalog lookup, no permission decision, no cache. The ratio "entity
 * view / floor" in one run is then the cost of the pipelines plugin's own work over Backstage's
 * HTTP and auth stack.
 */
export const benchFloorPlugin = createBackendPlugin({
  pluginId: 'benchfloor',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth },
      async init({ httpRouter, httpAuth }) {
        const file = process.env.PIPELINES_BENCH_FLOOR_FILE!;
        let body: Buffer | undefined;
        const router = Router();
        router.get('/entity', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user'] });
          body ??= fs.existsSync(file) ? fs.readFileSync(file) : undefined;
          if (!body) throw new NotFoundError('The bench has not saved the entity view yet');
          res.type('application/json').send(body);
        });
        httpRouter.use(router);
      },
    });
  },
});
