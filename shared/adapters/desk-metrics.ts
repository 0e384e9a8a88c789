import { type DeskMetricName, deskMetrics } from '#shared/desk-metric-names';

/**
 * One CloudWatch embedded-metric-format line on stdout (Lambda turns it into the metric): namespace
 * ComplaintHotline, the single dimension `service`, unit Count, as the stateless stack's alarms expect.
 * `context` adds searchable fields to the log line; never personal data. DESK_METRICS_SINK=off drops the
 * lines (the test runs set it, test/support/quiet.ts); unset or any other value writes them.
 */
export function emitDeskMetric(name: DeskMetricName, at: Date, context: Record<string, string> = {}): void {
  if (process.env.DESK_METRICS_SINK === 'off') return;
  const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline';
  process.stdout.write(
    `${JSON.stringify({
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? deskMetrics.namespace,
            Dimensions: [[deskMetrics.serviceDimension]],
            Metrics: [{ Name: name, Unit: 'Count' }],
          },
        ],
      },
      [deskMetrics.serviceDimension]: service,
      [name]: 1,
      ...context,
    })}\n`,
  );
}
