import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DeskMetricName, deskMetrics } from '#shared/desk-metric-names';
import type { DeskMetrics } from '#shared/ports/metrics';

/**
 * The app's one Powertools Metrics instance: namespace ComplaintHotline (or POWERTOOLS_METRICS_NAMESPACE), the
 * single dimension `service` = POWERTOOLS_SERVICE_NAME, as the stateless stack's alarms expect.
 */
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || deskMetrics.namespace,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'complaint-hotline',
});

/**
 * Publishes one desk metric (unit Count, value 1, timestamp `at`) as one embedded-metric-format line on stdout,
 * right at the call (a single metric: nothing is buffered until a flush that a timer target or a stream
 * reaction might never reach). `context` adds searchable fields to the line; never personal data.
 * DESK_METRICS_SINK=off drops the lines (the test runs set it, test/support/quiet.ts); unset or any other
 * value writes them. Powertools' own POWERTOOLS_METRICS_DISABLED / POWERTOOLS_DEV switches apply as well.
 */
export function emitDeskMetric(name: DeskMetricName, at: Date, context: Record<string, string> = {}): void {
  if (process.env.DESK_METRICS_SINK === 'off') return;
  const metric = metrics.singleMetric();
  metric.setTimestamp(at);
  for (const [key, value] of Object.entries(context)) metric.addMetadata(key, value);
  metric.addMetric(name, MetricUnit.Count, 1);
}

/** The desk metrics port on Powertools (what the composition root wires). */
export const powertoolsDeskMetrics: DeskMetrics = { count: emitDeskMetric };
