import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Pipeline,
  PipelineKey,
  validatePipeline,
} from '@gitops-pipelines/plugin-pipelines-common';
import { randomBytes } from 'crypto';
import type { Request, Response } from 'express';
import type { PipelineCache } from '../cache/PipelineCache';
import { verifySignature } from '../service/signature';
import { WarmingUpError, WebhookUnauthorizedError } from './errors';
import { webhookKey, webhookKeyProblem, WebhookKind } from './webhookKeys';

/** What the webhooks read from the watch cache. */
export type WebhookCache = Pick<
  PipelineCache,
  'getPipelineObject' | 'getSecretValue' | 'warmingUp'
>;

/** A webhook request that passed authentication. */
export interface AuthenticatedWebhook {
  key: PipelineKey;
  pipeline: Pipeline;
  environment: Pipeline['spec']['environments'][number];
  /** The environment promoted into. */
  next: string;
  /** False only for an unsigned request allowed by `requireSignature: false`. */
  signed: boolean;
}

/** Why a request was refused: for the log, never for the caller. */
class Refusal extends Error {}

const LOG_EVERY_MS = 10_000;
const LOG_KEYS = 1000;

/**
 * Authenticates the compatibility webhooks before anything in the body is read: the path
 * names a pipeline and an environment, the plan's rule names the Secret key that signs it
 * ({@link webhookKey}), and `X-Signature` must be that key's HMAC of the raw body. Every way
 * this fails (no management cluster, no such pipeline or environment, the last environment,
 * no key, no or a bad signature, and later an unsigned event about another app) does the
 * same work (the HMAC the header names, with a random key when there is none), is counted against the client's
 * refused-requests limit and answers one {@link WebhookUnauthorizedError}; the reason is
 * logged (info, at most once per pipeline path every 10 s).
 */
export class WebhookAuthenticator {
  private readonly decoy = randomBytes(32).toString('hex');
  private readonly logged = new Map<string, number>();
  private readonly warnedUnsigned = new Set<string>();

  constructor(
    private readonly options: {
      cache: WebhookCache;
      logger: LoggerService;
      defaultCluster?: string;
      /** `pipelines.webhooks.requireSignature` (default true). */
      requireSignature: boolean;
      /** Counts a refused request against its client; rejects with 429 past the limit. */
      countRefused: (req: Request, res: Response) => Promise<void>;
    },
  ) {}

  /**
   * @throws WarmingUpError (503) while the cache has not listed the Pipelines (or the Secrets
   *   of the pipeline's namespace); TooManyRequestsError (429) for a client past its refusals;
   *   WebhookUnauthorizedError (401) for everything else that is not authentic.
   */
  async authenticate(
    kind: WebhookKind,
    params: { namespace: string; name: string; environment: string },
    req: Request,
    res: Response,
  ): Promise<AuthenticatedWebhook> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.header('x-signature');
    const { cache, defaultCluster } = this.options;
    if (defaultCluster && cache.warmingUp(defaultCluster))
      throw new WarmingUpError();
    let outcome: AuthenticatedWebhook | Refusal;
    try {
      outcome = this.check(kind, params, body, signature);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      outcome = e;
    }
    if (outcome instanceof Refusal) {
      return this.refuse(kind, req, res, params, outcome.message);
    }
    return outcome;
  }

  /** Refuses an unauthenticated request: logs the reason, counts it, throws the generic 401. */
  async refuse(
    kind: WebhookKind,
    req: Request,
    res: Response,
    params: { namespace: string; name: string; environment?: string },
    reason: string,
  ): Promise<never> {
    const where = [params.namespace, params.name, params.environment]
      .filter(Boolean)
      .join('/');
    this.log(params, `The ${kind} webhook ${where} refused: ${reason}`);
    await this.options.countRefused(req, res);
    throw new WebhookUnauthorizedError();
  }

  private check(
    kind: WebhookKind,
    params: { namespace: string; name: string; environment: string },
    body: Buffer,
    signature: string | undefined,
  ): AuthenticatedWebhook {
    const { cache, defaultCluster, requireSignature } = this.options;
    const fail = (reason: string): never => {
      // the same work as a real check: the header's HMAC of the body, when it names one
      verifySignature(signature, body, this.decoy);
      throw new Refusal(reason);
    };
    if (!defaultCluster) return fail('no management cluster is configured');
    const key: PipelineKey = {
      cluster: defaultCluster,
      namespace: params.namespace,
      name: params.name,
    };
    const found = cache.getPipelineObject(key);
    if (!found) return fail('no such Pipeline');
    const result = validatePipeline(found.object);
    if (!result.valid) return fail('the Pipeline is invalid');
    const pipeline = result.pipeline;
    const environment = pipeline.spec.environments.find(
      e => e.name === params.environment,
    );
    if (!environment) return fail('no such environment in the Pipeline');
    const secrets = (ns: string, name: string, k: string) =>
      cache.getSecretValue(key.cluster, ns, name, k);
    const hmac = webhookKey(pipeline, params.environment, kind, secrets);
    if (!hmac.next) return fail('the last environment promotes into nothing');
    if (
      hmac.secretName &&
      !hmac.value &&
      cache.warmingUp(key.cluster, key.namespace)
    )
      throw new WarmingUpError();
    const unsignedAllowed =
      kind === 'promotion' && !requireSignature && !hmac.secretName;
    if (!hmac.value && !unsignedAllowed) {
      return fail(
        webhookKeyProblem(pipeline, params.environment, secrets, kind) ??
          'no key',
      );
    }
    if (hmac.value) {
      if (!verifySignature(signature, body, hmac.value))
        throw new Refusal(
          signature
            ? `X-Signature is not the ${hmac.secretKey} HMAC of the body`
            : 'no X-Signature header',
        );
    } else {
      verifySignature(signature, body, this.decoy);
      this.warnUnsigned(key);
    }
    return {
      key,
      pipeline,
      environment,
      next: hmac.next,
      signed: Boolean(hmac.value),
    };
  }

  private warnUnsigned(key: PipelineKey) {
    const id = `${key.namespace}/${key.name}`;
    if (this.warnedUnsigned.has(id)) return;
    this.warnedUnsigned.add(id);
    this.options.logger.warn(
      `The promotion webhook of pipeline ${id} accepts unsigned events (pipelines.webhooks.requireSignature: false): anyone who can reach it can promote a version. ` +
        `Give its promotion strategy a secretRef to a Secret with hmac-key, and the Flux Provider the same Secret (type generic-hmac).`,
    );
  }

  private log(
    params: { namespace: string; name: string; environment?: string },
    reason: string,
  ) {
    const id = `${params.namespace}/${params.name}`;
    const now = Date.now();
    if (now - (this.logged.get(id) ?? 0) < LOG_EVERY_MS) return;
    if (this.logged.size >= LOG_KEYS) this.logged.clear();
    this.logged.set(id, now);
    this.options.logger.info(reason);
  }
}
