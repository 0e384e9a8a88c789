import { describe, expect, it } from 'vitest';
import {
  ANSWER_PROMISE_PURPOSE,
  assertPromisable,
  isAnswerPromise,
  isResultSince,
  promisedAt,
  promisedCallMessage,
} from '#shared/domain/answer-promise';
import { TransitionNotAllowedError } from '#shared/domain/errors';
import type { TicketStatus } from '#shared/domain/ticket';

const PROMISED = '2026-03-02T15:00:00.000Z';

describe('a promised answer ("within half an hour")', () => {
  it('can be promised on an open complaint only', () => {
    for (const status of [
      'received',
      'dispatched',
      'contacted',
      'in_progress',
      'reopened',
    ] as TicketStatus[]) {
      expect(() => assertPromisable({ id: '1000002', status })).not.toThrow();
    }
    for (const status of ['resolved', 'closed', 'archived'] as TicketStatus[]) {
      expect(() => assertPromisable({ id: '1000002', status })).toThrow(TransitionNotAllowedError);
    }
  });

  it('counts progress, a department result and a resolution after the promise as its answer', () => {
    for (const type of ['progress_recorded', 'department_result_recorded', 'resolved'] as const) {
      expect(isResultSince({ type, at: '2026-03-02T15:10:00.000Z' }, PROMISED)).toBe(true);
      expect(isResultSince({ type, at: '2026-03-02T14:59:59.000Z' }, PROMISED)).toBe(false);
    }
    for (const type of ['contact_attempted', 'deadline_breached', 'answer_promised', 'escalated'] as const) {
      expect(isResultSince({ type, at: '2026-03-02T15:10:00.000Z' }, PROMISED)).toBe(false);
    }
  });

  it('is recognised on its call job by the purpose attribute, with the time of the promise', () => {
    const job = { attributes: { callbackPurpose: ANSWER_PROMISE_PURPOSE, promisedAt: PROMISED } };
    expect(isAnswerPromise(job)).toBe(true);
    expect(promisedAt(job)).toBe(PROMISED);
    expect(isAnswerPromise({})).toBe(false);
    expect(promisedAt({ attributes: { promisedAt: PROMISED } })).toBeUndefined();
  });

  it('tells the status digit by digit, saying whether there is news since the promise', () => {
    const waiting = promisedCallMessage({ number: '1000027', status: 'dispatched' }, false);
    expect(waiting).toContain('about your complaint 1, 0, 0, 0, 0, 2, 7.');
    expect(waiting).toContain('We do not have an answer for you yet.');
    expect(waiting).toContain('Complaint 1, 0, 0, 0, 0, 2, 7 is with the responsible department.');
    const news = promisedCallMessage({ number: '1000027', status: 'resolved' }, true);
    expect(news).toContain('There is news: Complaint 1, 0, 0, 0, 0, 2, 7 has been resolved.');
    expect(news).not.toContain('do not have an answer');
  });
});
