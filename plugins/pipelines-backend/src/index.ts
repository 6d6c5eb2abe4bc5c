/**
 * The pipelines backend plugin: GitOps Pipeline state from Kubernetes, promotions
 * and the promotion ledger.
 *
 * @packageDocumentation
 */

export { pipelinesPlugin as default } from './plugin';
