import { describe, expect, it } from 'vitest';
import {
  accountsOfCall,
  applyBroadcastAction,
  broadcastReportCsv,
  cancelRecipient,
  confirmInbound,
  countRecipients,
  draftBroadcast,
  finishUnconfirmed,
  householdCallAttributes,
  householdsOf,
  isBroadcastDone,
  recipientJobId,
  recipientsFor,
  recordAttempt,
} from '#shared/domain/broadcast';
import type { Customer } from '#shared/domain/customer';
import { InvalidInputError, TransitionNotAllowedError } from '#shared/domain/errors';

const NOW = '2026-11-24T10:00:00.000Z';
const LATER = '2026-11-24T10:05:00.000Z';

function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    account: 'A-1',
    name: 'Ada Lovelace',
    phones: ['+12015550100'],
    email: 'ada@example.com',
    address: '1 Elm St',
    area: { district: 'North', street: 'Elm St', segment: 'S1' },
    language: 'en',
    noContact: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

const incident = {
  what: 'Gas leak',
  where: 'Elm Street',
  since: '2026-11-24T09:30:00.000Z',
  severity: 'crisis' as const,
  message: 'A gas leak on Elm Street. Do not use open flames.',
  emailSubject: 'Gas leak on Elm Street',
  emailText: 'Do not use open flames.',
  selection: { streets: ['Elm St'] },
};

describe('an emergency broadcast', () => {
  it('goes draft -> sending -> paused -> sending -> completed, and cannot be sent twice', () => {
    const draft = draftBroadcast('b1', incident, 'sam', NOW);
    const sending = applyBroadcastAction(draft, 'send', 'sam', NOW, { recipientCount: 3, noContactCount: 1 });
    const paused = applyBroadcastAction(sending, 'pause', 'sam', NOW);
    const resumed = applyBroadcastAction(paused, 'resume', 'sam', NOW);
    const done = applyBroadcastAction(resumed, 'complete', 'system', LATER);

    expect(sending).toMatchObject({ state: 'sending', sentBy: 'sam', recipientCount: 3, noContactCount: 1 });
    expect(done).toMatchObject({ state: 'completed', endedAt: LATER, version: 5 });
    expect(() => applyBroadcastAction(sending, 'send', 'sam', NOW)).toThrow(TransitionNotAllowedError);
    expect(() => applyBroadcastAction(done, 'cancel', 'sam', NOW)).toThrow(TransitionNotAllowedError);
  });

  it('refuses an incident that starts in the future', () => {
    expect(() =>
      draftBroadcast('b1', { ...incident, since: '2026-11-25T00:00:00.000Z' }, 'sam', NOW),
    ).toThrow(InvalidInputError);
  });

  it('lists customers without a usable contact apart from the start, and calls the others', () => {
    const recipients = recipientsFor(
      'b1',
      [
        aCustomer(),
        aCustomer({ account: 'A-2', phones: [], email: undefined }),
        aCustomer({ account: 'A-3', noContact: true }),
        aCustomer({ account: 'A-4', phones: [] }),
      ],
      NOW,
    );

    expect(recipients.map((r) => [r.account, r.state])).toEqual([
      ['A-1', 'calling'],
      ['A-2', 'no_contact'],
      ['A-3', 'no_contact'],
      ['A-4', 'calling'],
    ]);
    expect(recipients[0]?.callJobId).toBe(recipientJobId('b1', 'A-1'));
    expect(recipients[2]?.phone).toBeUndefined();
  });

  it('records each attempt once and tells answered-but-unconfirmed from never reached', () => {
    const [ada, bob] = recipientsFor('b1', [aCustomer(), aCustomer({ account: 'A-2' })], NOW);
    let a = recordAttempt(ada!, { n: 1, at: NOW, result: 'answered' });
    a = recordAttempt(a, { n: 1, at: LATER, result: 'no_answer' });
    a = recordAttempt(a, { n: 2, at: LATER, result: 'no_answer' });
    const b = recordAttempt(bob!, { n: 1, at: NOW, result: 'busy' });

    expect(a.attempts.map((x) => x.result)).toEqual(['answered', 'no_answer']);
    expect(finishUnconfirmed(a, LATER, true)).toMatchObject({
      state: 'reached_not_confirmed',
      emailedAt: LATER,
    });
    expect(finishUnconfirmed(b, LATER, false)).toMatchObject({ state: 'not_reached' });
  });

  it('keeps a confirmation whatever is reported later', () => {
    const [ada] = recipientsFor('b1', [aCustomer()], NOW);
    const confirmed = recordAttempt(ada!, { n: 1, at: NOW, result: 'confirmed' });

    expect(confirmed).toMatchObject({ state: 'confirmed', confirmedAt: NOW, confirmedVia: 'outbound' });
    expect(finishUnconfirmed(confirmed, LATER, true).state).toBe('confirmed');
    expect(cancelRecipient(confirmed, LATER).state).toBe('confirmed');
    expect(confirmInbound(confirmed, LATER).confirmedVia).toBe('outbound');
  });

  it('counts every recipient in exactly one state and lists the unreached first in the report', () => {
    const recipients = recipientsFor(
      'b1',
      [
        aCustomer(),
        aCustomer({ account: 'A-2', phones: [], email: undefined }),
        aCustomer({ account: 'A-3' }),
      ],
      NOW,
    );
    const final = [
      recordAttempt(recipients[0]!, { n: 1, at: NOW, result: 'confirmed' }),
      recipients[1]!,
      finishUnconfirmed(recordAttempt(recipients[2]!, { n: 1, at: NOW, result: 'no_answer' }), LATER, true),
    ];

    const counts = countRecipients(final);
    const csv = broadcastReportCsv(final).split('\r\n');

    expect(counts).toMatchObject({
      total: 3,
      confirmed: 1,
      no_contact: 1,
      not_reached: 1,
      emailed: 1,
      attempts: 2,
    });
    expect(isBroadcastDone(final)).toBe(true);
    expect(isBroadcastDone(recipients)).toBe(false);
    expect(csv[1]).toMatch(/^A-2,/);
    expect(csv[2]).toMatch(
      /^A-3,.*,not_reached,,,2026-11-24T10:05:00.000Z,1:2026-11-24T10:00:00.000Z:no_answer$/,
    );
    expect(csv[3]).toMatch(/^A-1,.*,confirmed,2026-11-24T10:00:00.000Z,outbound,/);
  });
});

describe('households: accounts behind one number', () => {
  const shared = '+12015550500';
  const customers = [
    aCustomer({ account: 'H-1', phones: [shared], email: 'home@example.com' }),
    aCustomer({ account: 'S-1', phones: ['+12015550600', '+12015550601'], email: 'solo@example.com' }),
    aCustomer({ account: 'H-2', phones: [shared, '+12015550502'], email: 'home@example.com' }),
    aCustomer({ account: 'H-3', phones: ['+12015550502'], email: 'other@example.com' }),
  ];

  it('groups accounts that share a number (also through another member) into one call for all their numbers', () => {
    const households = householdsOf(recipientsFor('b1', customers, NOW));
    expect(households).toEqual([
      {
        accounts: ['H-1', 'H-2', 'H-3'],
        phones: [shared, '+12015550502'],
        emails: ['home@example.com', 'other@example.com'],
        lastIndex: 3,
        callJobId: recipientJobId('b1', 'H-1'),
      },
      {
        accounts: ['S-1'],
        phones: ['+12015550600', '+12015550601'],
        emails: ['solo@example.com'],
        lastIndex: 1,
        callJobId: recipientJobId('b1', 'S-1'),
      },
    ]);
  });

  it('lists each account as its own recipient, all pointing at their household call', () => {
    const recipients = recipientsFor('b1', customers, NOW);
    expect(recipients.map((r) => [r.account, r.callJobId])).toEqual([
      ['H-1', recipientJobId('b1', 'H-1')],
      ['S-1', recipientJobId('b1', 'S-1')],
      ['H-2', recipientJobId('b1', 'H-1')],
      ['H-3', recipientJobId('b1', 'H-1')],
    ]);
    expect(recipients[1]).toMatchObject({ phone: '+12015550600', phones: ['+12015550600', '+12015550601'] });
  });

  it('lets one keypad confirmation count for every account behind the number', () => {
    const recipients = recipientsFor('b1', customers, NOW);
    const [household] = householdsOf(recipients);
    const call = householdCallAttributes('b1', household as NonNullable<typeof household>, 'Gas leak');
    expect(call).toMatchObject({ account: 'H-1', accounts: 'H-1,H-2,H-3' });
    const confirmedAccounts = accountsOfCall(call);
    const after = recipients.map((r) =>
      confirmedAccounts.includes(r.account)
        ? recordAttempt(r, { n: 1, at: LATER, result: 'confirmed', phone: shared })
        : r,
    );
    expect(after.map((r) => [r.account, r.state])).toEqual([
      ['H-1', 'confirmed'],
      ['S-1', 'calling'],
      ['H-2', 'confirmed'],
      ['H-3', 'confirmed'],
    ]);
    expect(accountsOfCall({ broadcastId: 'b1', account: 'S-1' })).toEqual(['S-1']);
  });
});
