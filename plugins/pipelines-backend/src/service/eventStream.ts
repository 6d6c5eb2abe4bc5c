import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { PipelineKey } from '@gitops-pipelines/plugin-pipelines-common';
import express from 'express';
import type { PromotionEngine } from '../promotion/PromotionEngine';
import type { PipelineStateReader } from '../state/PipelineStateReader';
import type { PermissionChecks } from './requirePermission';

/** How often a comment line keeps an idle stream (and the proxies on its way) open, ms. */
const HEARTBEAT_MS = 15_000;

const keyOf = (k: PipelineKey) => `${k.cluster}/${k.namespace}/${k.name}`;

/**
 * Server-sent events for one caller: `pipeline-changed` / `pipeline-removed` with the
 * pipeline's key whenever the watch cache sees its state change, and `promotion-changed`
 * (pipeline key and ledger id) whenever a promotion changes — only for pipelines the
 * caller may read on their own entity (decisions batched and kept per caller,
 * `createPermissionChecks`). A removal is sent when this stream told the caller about the
 * pipeline before, or when the caller may read every pipeline. Events keep their order.
 */
export function streamEvents(
  req: express.Request<any, any, any, any>,
  res: express.Response,
  options: {
    credentials: BackstageCredentials;
    checks: PermissionChecks;
    state: Pick<PipelineStateReader, 'subscribe' | 'getPipeline'>;
    engine: Pick<PromotionEngine, 'onChange'>;
  },
): void {
  const { credentials, checks, state, engine } = options;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': connected\n\n');
  let closed = false;
  const told = new Set<string>();
  let queue = Promise.resolve();
  const send = (event: string, data: unknown) => {
    if (!closed)
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  /** Sends each event the caller may read, in order, after the decisions for the batch. */
  const sendReadable = (
    events: Array<{ event: string; data: PipelineKey; entityRef?: string }>,
    alsoIfTold = false,
  ) => {
    queue = queue
      .then(async () => {
        const ok = await checks.readable(credentials, events);
        events.forEach((e, i) => {
          const k = keyOf(e.data);
          if (!ok[i] && !(alsoIfTold && told.has(k))) return;
          if (e.event === 'pipeline-changed') told.add(k);
          if (e.event === 'pipeline-removed') told.delete(k);
          send(e.event, e.data);
        });
      })
      // The permission backend unreachable: this batch is not sent; the client's safety poll catches up.
      .catch(() => undefined);
  };
  const unsubscribe = state.subscribe((changed, removed) => {
    if (changed.length)
      sendReadable(
        changed.map(d => ({
          event: 'pipeline-changed',
          data: { cluster: d.cluster, namespace: d.namespace, name: d.name },
          entityRef: d.entityRef,
        })),
      );
    if (removed.length)
      sendReadable(
        removed.map(k => ({
          event: 'pipeline-removed',
          data: { cluster: k.cluster, namespace: k.namespace, name: k.name },
        })),
        true,
      );
  });
  const unsubscribePromotions = engine.onChange(record => {
    const { cluster, namespace, name } = record.pipeline;
    const data = { cluster, namespace, name, id: record.id };
    sendReadable([
      {
        event: 'promotion-changed',
        data,
        entityRef: state.getPipeline(record.pipeline)?.entityRef,
      },
    ]);
  });
  const heartbeat = setInterval(
    () => res.write(': heartbeat\n\n'),
    HEARTBEAT_MS,
  );
  req.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    unsubscribePromotions();
  });
}
