/**
 * The desk's custom CloudWatch metrics. Functions emit them in the Embedded Metric Format (e.g. Powertools
 * Metrics, which reads the namespace from POWERTOOLS_METRICS_NAMESPACE, set on every function), so no IAM
 * permission is needed; the stateless stack alarms on them and shows them on the dashboard.
 * Emit each with the single dimension `service` = POWERTOOLS_SERVICE_NAME (Powertools' default), unit Count:
 * an alarm matches a metric only with exactly these dimensions.
 * This file imports nothing, so handler code may import it without pulling CDK into a bundle.
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
