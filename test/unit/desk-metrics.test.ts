import { afterEach, describe, expect, it, vi } from 'vitest';
import { deskMetrics } from '#infra/desk-metrics';
import { emitDeskMetric } from '#shared/adapters/desk-metrics';

afterEach(() => {
  vi.restoreAllMocks();
});

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
});
