import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emitDeskMetric } from '#shared/adapters/desk-metrics';
import { deskMetrics } from '#shared/desk-metric-names';

// The test runs drop metric lines (test/support/quiet.ts); these tests look at them.
beforeEach(() => {
  vi.stubEnv('DESK_METRICS_SINK', 'stdout');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('desk metrics', () => {
  it('writes one EMF line with the service dimension the alarms match on', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });

    emitDeskMetric('BroadcastFailures', new Date('2026-11-24T10:00:00Z'), { broadcastId: 'b1' });

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: deskMetrics.namespace,
      Dimensions: [['service']],
      Metrics: [{ Name: 'BroadcastFailures', Unit: 'Count' }],
    });
    expect(line).toMatchObject({ service: 'complaint-hotline', BroadcastFailures: 1, broadcastId: 'b1' });
    expect(line._aws.Timestamp).toBe(Date.parse('2026-11-24T10:00:00Z'));
  });

  it('writes nothing with DESK_METRICS_SINK=off, and writes again without it', () => {
    const lines = captureStdout();
    vi.stubEnv('DESK_METRICS_SINK', 'off');
    emitDeskMetric('DeadlineBreaches', new Date('2026-11-24T10:00:00Z'));
    expect(lines).toEqual([]);
    vi.stubEnv('DESK_METRICS_SINK', undefined);
    emitDeskMetric('DeadlineBreaches', new Date('2026-11-24T10:00:00Z'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ DeadlineBreaches: 1 });
  });
});
