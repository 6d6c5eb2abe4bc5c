export { DeliveryMetricsPanel } from './DeliveryMetricsPanel';
