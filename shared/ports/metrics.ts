import type { DeskMetricName } from '#shared/desk-metric-names';

/** The desk's own CloudWatch metrics (shared/desk-metric-names.ts): one count per call. */
export interface DeskMetrics {
  /** One of `name` at `at`; `context` adds searchable fields to its log line, never personal data. */
  count(name: DeskMetricName, at: Date, context?: Record<string, string>): void;
}
