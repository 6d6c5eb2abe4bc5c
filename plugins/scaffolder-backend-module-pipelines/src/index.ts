/**
 * The scaffolder action `pipelines:promote`.
 *
 * @packageDocumentation
 */

export { pipelinesModule as default } from './module';
export { createPromoteAction } from './actions/promote';
