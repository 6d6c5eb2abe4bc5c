export { PromoteDialog, describePromotion } from './PromoteDialog';
