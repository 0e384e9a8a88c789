import { describe, expect, it } from 'vitest';
import { idealMakespanMs } from '#shared/domain/ideal-schedule';

const noBackoff = () => 0;

describe('idealMakespanMs (the broadcast bench bound)', () => {
  it('is limited by the start rate when calls are short', () => {
    // 30 one-second calls at 10 starts per second: starts at 0, 1 and 2 s, the last ends at 3 s.
    const jobs = Array.from({ length: 30 }, () => [1000]);
    expect(idealMakespanMs(jobs, { perSecond: 10, concurrent: 100, backoffMs: noBackoff })).toBe(3000);
  });

  it('is limited by concurrency when calls are long', () => {
    // 4 calls of 10 s, 2 at a time: two waves of 10 s.
    const jobs = Array.from({ length: 4 }, () => [10_000]);
    expect(idealMakespanMs(jobs, { perSecond: 10, concurrent: 2, backoffMs: noBackoff })).toBe(20_000);
  });

  it('waits for the back-off between attempts of one job', () => {
    const jobs = [[5000, 5000, 2000]];
    const backoffMs = (n: number) => [60_000, 120_000][n - 1] ?? 0;
    // 0-5 s, back-off 60 s, 65-70 s, back-off 120 s, 190-192 s.
    expect(idealMakespanMs(jobs, { perSecond: 10, concurrent: 1, backoffMs })).toBe(192_000);
  });

  it('fills the back-off of some jobs with the first attempts of others', () => {
    // One job retries after 1 s; the other two wait for the single line meanwhile.
    const jobs = [[1000, 1000], [1000], [1000]];
    const backoffMs = () => 1000;
    expect(idealMakespanMs(jobs, { perSecond: 10, concurrent: 1, backoffMs })).toBe(4000);
  });

  it('rejects limits below one and handles jobs without attempts', () => {
    expect(() => idealMakespanMs([[1000]], { perSecond: 0, concurrent: 1, backoffMs: noBackoff })).toThrow(
      RangeError,
    );
    expect(idealMakespanMs([[], [2000]], { perSecond: 1, concurrent: 1, backoffMs: noBackoff })).toBe(2000);
  });
});
