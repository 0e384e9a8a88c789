import { describe, expect, it } from 'vitest';
import { defaultDeadlinePolicy } from '#shared/domain/severity';
import {
  parseRating,
  signSurveyToken,
  surveyJobId,
  surveyOutcome,
  verifySurveyToken,
} from '#shared/domain/survey';
import { applyAction } from '#shared/domain/ticket';
import { anAgent, aTicket, minutesAfter, T0 } from '#test/fixtures/tickets';

function aResolvedTicket() {
  const ctx = (m: number) => ({ actor: anAgent(), now: minutesAfter(T0, m), policy: defaultDeadlinePolicy });
  const contacted = applyAction(aTicket(), { type: 'recordContact', outcome: 'reached' }, ctx(5)).ticket;
  return applyAction(contacted, { type: 'resolve', resolution: 'Refund', customerAgreement: 'Yes' }, ctx(60))
    .ticket;
}

describe('the satisfaction survey', () => {
  it('1 or 2 reopens, 3 to 5 closes; only a resolved complaint changes', () => {
    const resolved = aResolvedTicket();
    expect(surveyOutcome(resolved, 2, T0, 'system:survey')).toEqual({ kind: 'reopen', rating: 2 });
    const closed = surveyOutcome(resolved, 3, T0, 'system:survey');
    expect(closed.kind).toBe('close');
    if (closed.kind !== 'close') return;
    expect(closed.ticket).toMatchObject({ status: 'closed', version: resolved.version + 1 });
    expect(closed.event).toMatchObject({ type: 'closed', data: { rating: 3, via: 'survey' } });
    expect(surveyOutcome(closed.ticket, 5, T0, 'system:survey').kind).toBe('stale');
  });

  it('a rating is one key from 1 to 5', () => {
    expect(parseRating('4')).toBe(4);
    for (const bad of ['0', '6', '12', '', '#']) expect(() => parseRating(bad)).toThrow(/1 to 5/);
  });

  it('one survey job per resolution round', () => {
    const resolved = aResolvedTicket();
    expect(surveyJobId(resolved)).toBe(`survey-${resolved.id}-0`);
    expect(surveyJobId({ ...resolved, reopenCount: 1 })).toBe(`survey-${resolved.id}-1`);
  });

  it('survey links are signed and expire', () => {
    const token = signSurveyToken({ t: '1000009', j: 'survey-1000009-0', exp: 2000 }, 'secret');
    expect(verifySurveyToken(token, 'secret', 1999)).toEqual({
      t: '1000009',
      j: 'survey-1000009-0',
      exp: 2000,
    });
    expect(() => verifySurveyToken(token, 'secret', 2001)).toThrow(/expired/);
    expect(() => verifySurveyToken(token, 'other-secret', 1999)).toThrow(/not valid/);
    const [payload, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ t: '1000017', j: 'survey-1000009-0', exp: 2000 })).toString('base64url')}.${sig}`;
    expect(payload).not.toBe(forged.split('.')[0]);
    expect(() => verifySurveyToken(forged, 'secret', 1999)).toThrow(/not valid/);
  });
});
