/**
 * Vitest setup file (every project, vitest.config.ts `setupFiles`): quiet test output without hiding failures.
 * Runs before each test file imports anything, so module-level loggers see it.
 *
 * - POWERTOOLS_LOG_LEVEL=ERROR unless set: INFO/WARN lines (e.g. every breach warning) are dropped, errors stay
 *   visible. A test that starts the local runtime with its own level (LocalApi.start({ POWERTOOLS_LOG_LEVEL }))
 *   still gets that level; set it in the shell to see everything: `POWERTOOLS_LOG_LEVEL=DEBUG npx vitest run`.
 * - DESK_METRICS_SINK=off unless set: no CloudWatch EMF line per breach or failed broadcast on stdout
 *   (shared/adapters/desk-metrics.ts). A test asserting the metric lines turns it back on with
 *   vi.stubEnv('DESK_METRICS_SINK', 'stdout') (test/unit/desk-metrics.test.ts).
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.DESK_METRICS_SINK ??= 'off';
