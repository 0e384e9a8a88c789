import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emitDeskMetric } from '#shared/adapters/desk-metrics';
import { deskMetrics } from '#shared/desk-metric-names';

// The test runs drop metric lines (test/support/quiet.ts); these tests look at them.
beforeEach(() => {
  vi.stubEnv('DESK_METRICS_SINK', 'stdout');
  // CloudWatch takes a metric's timestamp up to 14 days back only (Powertools warns otherwise): "now" is fixed.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-24T10:30:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** What the function writes to stdout, one string per write (Lambda ships stdout to CloudWatch Logs). */
function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('desk metrics', () => {
  it('publishes one EMF line at the call, in the namespace and with the service dimension the alarms match on', () => {
    const lines = captureStdout();

    emitDeskMetric('BroadcastFailures', new Date('2026-11-24T10:00:00Z'), { broadcastId: 'b1' });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    expect(JSON.parse(lines[0] as string)).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-24T10:00:00Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'ComplaintHotline',
            Dimensions: [['service']],
            Metrics: [{ Name: 'BroadcastFailures', Unit: 'Count' }],
          },
        ],
      },
      service: 'complaint-hotline',
      BroadcastFailures: 1,
      broadcastId: 'b1',
    });
    expect(deskMetrics.namespace).toBe('ComplaintHotline');
  });

  it('publishes each call on its own, with its own time and context (nothing is buffered until a flush)', () => {
    const lines = captureStdout();

    emitDeskMetric('DeadlineBreaches', new Date('2026-11-24T10:00:00Z'), {
      ticketId: 't1',
      deadline: 'dispatch',
    });
    emitDeskMetric('DeadlineBreaches', new Date('2026-11-24T10:05:00Z'), { ticketId: 't2' });

    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ DeadlineBreaches: 1, ticketId: 't1', deadline: 'dispatch' });
    expect(first._aws.Timestamp).toBe(Date.parse('2026-11-24T10:00:00Z'));
    expect(second).toMatchObject({ DeadlineBreaches: 1, ticketId: 't2', service: 'complaint-hotline' });
    expect(second).not.toHaveProperty('deadline');
    expect(second._aws.Timestamp).toBe(Date.parse('2026-11-24T10:05:00Z'));
    expect(second._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'DeadlineBreaches', Unit: 'Count' }]);
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
