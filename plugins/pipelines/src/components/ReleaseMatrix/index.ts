export { ReleaseMatrixPage } from './ReleaseMatrixPage';
export { EntityReleaseMatrixCard } from './EntityReleaseMatrixCard';
export { PipelinesIcon } from './PipelinesIcon';
