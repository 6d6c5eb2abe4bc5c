/**
 * Common types and helpers of the GitOps Pipelines plugins: the Pipeline CRD
 * (`pipelines.weave.works/v1alpha1`), its validator, condition reasons, catalog
 * annotations, permissions and the REST API's types.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './constants';
export * from './names';
export * from './validation';
export * from './pipelineCaps';
export * from './annotations';
export * from './pipelineAnnotations';
export * from './environmentValues';
export * from './soak';
export * from './freeze';
export * from './permissions';
export * from './api';
export * from './promotions';
export * from './versions';
export * from './schema';
export * from './deliveryMetrics';
export * from './preview';
export * from './gates';
