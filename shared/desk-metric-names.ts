/**
 * The desk's custom CloudWatch metrics. Functions publish them in the Embedded Metric Format
 * (shared/adapters/desk-metrics.ts; the namespace is also in POWERTOOLS_METRICS_NAMESPACE, set on every
 * function), so no IAM permission is needed; the stateless stack alarms on them and shows them on the
 * dashboard (infra/constructs/operations.ts).
 * Each carries the single dimension `service` = POWERTOOLS_SERVICE_NAME (Powertools' default), unit Count:
 * an alarm matches a metric only with exactly these dimensions.
 * This file imports nothing, so both handler code and the CDK app take it without pulling in the other's packages.
 */
export const deskMetrics = {
  namespace: 'ComplaintHotline',
  /** One per deadline found breached (first contact, dispatch, department result ...). */
  deadlineBreaches: 'DeadlineBreaches',
  /** One per emergency broadcast recipient whose call and e-mail fallback both failed. */
  broadcastFailures: 'BroadcastFailures',
  /** The one dimension every desk metric carries. */
  serviceDimension: 'service',
} as const;

export type DeskMetricName = typeof deskMetrics.deadlineBreaches | typeof deskMetrics.broadcastFailures;
