import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import fs from 'fs';
import v8 from 'v8';
import vm from 'vm';

/**
 * The benchmark's floor (`npm run bench`, bench/README.md): plugin `benchfloor`, added to the
 * demo backend only when `PIPELINES_BENCH_FLOOR_FILE` is set. `GET /api/benchfloor/entity`
 * checks the caller's Backstage user token exactly as the pipelines routes do (httpAuth, users
 * only) and answers the bytes of that file — the entity view's response, saved by the bench —
 * and nothing else: no catalog lookup, no permission decision, no cache. The ratio "entity
 * view / floor" in one run is then the cost of the pipelines plugin's own work over Backstage's
 * HTTP and auth stack.
 *
 * `GET /api/benchfloor/memory` runs a full garbage collection and answers
 * `process.memoryUsage()` (bytes: rss, heapUsed, heapTotal, external, arrayBuffers), so the
 * bench can compare the memory that stays live at each point of its cost curve.
 */
export const benchFloorPlugin = createBackendPlugin({
  pluginId: 'benchfloor',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const file = process.env.PIPELINES_BENCH_FLOOR_FILE!;
        let body: Buffer | undefined;
        const router = Router();
        router.get('/entity', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user'] });
          body ??= fs.existsSync(file) ? fs.readFileSync(file) : undefined;
          if (!body)
            throw new NotFoundError(
              'The bench has not saved the entity view yet',
            );
          res.type('application/json').send(body);
        });
        router.get('/memory', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['user'] });
          // V8's gc() without --expose-gc on the command line (the backend is started by the CLI).
          v8.setFlagsFromString('--expose-gc');
          (vm.runInNewContext('gc') as () => void)();
          res.json(process.memoryUsage());
        });
        httpRouter.use(router);
      },
    });
  },
});
