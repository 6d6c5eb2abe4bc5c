/**
 * OpenTelemetry metrics for the demo backend, as Backstage's "Setup OpenTelemetry" tutorial
 * does it (https://backstage.io/docs/tutorials/setup-opentelemetry), metrics only: a meter
 * provider with a Prometheus exporter, registered globally before any plugin asks for a
 * meter. Backstage's MetricsService (and so the pipelines plugin's `pipelines.*` metrics,
 * the catalog's and the scheduler's) then reach `http://127.0.0.1:<port>/metrics`.
 *
 * Only when `PIPELINES_METRICS_PORT` is set (`npm start` sets 9464): several replicas on one
 * machine (the chaos suite) would otherwise fight over the port. Imported first by index.ts.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { isMainThread } from 'worker_threads';

const port = Number(process.env.PIPELINES_METRICS_PORT);
if (isMainThread && port) {
  const exporter = new PrometheusExporter({ host: '127.0.0.1', port });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
