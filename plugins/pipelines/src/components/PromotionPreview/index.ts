export { PromotionPreviewView } from './PromotionPreviewView';
