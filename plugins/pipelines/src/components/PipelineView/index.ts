export { PipelineView, TargetHealthStatus } from './PipelineView';
