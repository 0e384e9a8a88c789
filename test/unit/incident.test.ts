import { describe, expect, it } from 'vitest';
import {
  addFollowUp,
  applyBroadcastAction,
  type Broadcast,
  draftBroadcast,
  endFollowUp,
  followUpChannel,
  type Recipient,
  recordAttempt,
  requestDisregard,
  wasReached,
} from '#shared/domain/broadcast';
import { TransitionNotAllowedError } from '#shared/domain/errors';
import {
  addressInArea,
  addUpdate,
  closeIncident,
  countsByCategory,
  coversArea,
  inboundNotice,
  latestMessage,
  newLink,
  offerPrompt,
  openIncident,
  publicIncident,
  recordNotified,
  wasNotified,
  withinWindow,
} from '#shared/domain/incident';

const SINCE = '2026-11-24T14:30:00.000Z';
const NOW = '2026-11-24T15:00:00.000Z';
const LATER = '2026-11-24T16:00:00.000Z';

function aSentBroadcast(overrides: Partial<Broadcast> = {}): Broadcast {
  const draft = draftBroadcast(
    'b1incident',
    {
      what: 'Gas leak',
      where: 'Elm Street',
      since: SINCE,
      severity: 'crisis',
      message: 'Do not use open flames.',
      translations: { es: 'No use llamas.' },
      emailSubject: 'Gas leak',
      emailText: 'Do not use open flames.',
      selection: { streets: ['Elm St'] },
    },
    'sam',
    NOW,
  );
  return {
    ...applyBroadcastAction(draft, 'send', 'sam', NOW, { recipientCount: 2, noContactCount: 0 }),
    ...overrides,
  };
}

function aRecipient(overrides: Partial<Recipient> = {}): Recipient {
  return {
    broadcastId: 'b1incident',
    account: 'A-1',
    name: 'Ada',
    phone: '+12015550100',
    email: 'ada@example.com',
    address: '1 Elm St',
    street: 'Elm St',
    state: 'calling',
    attempts: [],
    updatedAt: NOW,
    version: 1,
    ...overrides,
  };
}

describe('an incident', () => {
  it('opens from its sent broadcast with the message as update 1, and keeps every later update', () => {
    const opened = openIncident(aSentBroadcast(), NOW);
    const updated = addUpdate(opened, { message: 'Repairs under way.', estimate: LATER }, 'sam', LATER);

    expect(opened).toMatchObject({ id: 'b1incident', state: 'open', openedBy: 'sam', version: 1 });
    expect(opened.updates).toEqual([
      {
        n: 1,
        at: NOW,
        by: 'sam',
        message: 'Do not use open flames.',
        translations: { es: 'No use llamas.' },
      },
    ]);
    expect(updated.updates.map((u) => u.n)).toEqual([1, 2]);
    expect(latestMessage(updated)).toBe('Repairs under way.');
    expect(updated.version).toBe(2);
  });

  it('says the latest update in the caller language where written, else what, where and since in English', () => {
    const opened = openIncident(aSentBroadcast(), NOW);

    expect(inboundNotice(opened, 'es-MX', 'America/New_York')).toBe('No use llamas.');
    expect(inboundNotice(opened, 'fr', 'America/New_York')).toBe(
      'We know about the gas leak affecting Elm Street, since 9:30 AM on Tuesday 24 November. Do not use open flames.',
    );
    // An update without a Spanish text: Spanish callers hear the new English text, not the old Spanish one.
    const updated = addUpdate(opened, { message: 'Repairs under way.' }, 'sam', LATER);
    expect(inboundNotice(updated, 'es', 'America/New_York')).toContain('Repairs under way.');
  });

  it('closes once, with the all clear as its last update; a closed incident takes no updates', () => {
    const opened = openIncident(aSentBroadcast(), NOW);
    const closed = closeIncident(opened, 'sam', LATER, 'all_clear', { message: 'All clear.' });

    expect(closed).toMatchObject({ state: 'closed', closedAt: LATER, closeReason: 'all_clear' });
    expect(publicIncident(closed).latestUpdate).toEqual({
      n: 2,
      at: LATER,
      message: 'All clear.',
      allClear: true,
    });
    expect(() => closeIncident(closed, 'sam', LATER, 'withdrawn')).toThrow(TransitionNotAllowedError);
    expect(() => addUpdate(closed, { message: 'x' }, 'sam', LATER)).toThrow(TransitionNotAllowedError);
  });

  it('covers customers by service area and complaints by the street named in their address', () => {
    const incident = openIncident(aSentBroadcast(), NOW);

    expect(coversArea(incident, { district: 'North', street: 'elm  st', segment: 'S1' })).toBe(true);
    expect(coversArea(incident, { district: 'North', street: 'Oak Ave', segment: 'S1' })).toBe(false);
    expect(addressInArea(incident.selection, '12 Elm St, Springfield')).toBe(true);
    expect(addressInArea(incident.selection, '12 Elmstead Road')).toBe(false);
    expect(addressInArea({ districts: ['North'] }, '12 Elm St')).toBe(false);
    expect(addressInArea(incident.selection, undefined)).toBe(false);
  });

  it('counts what happens from its start until it closes', () => {
    const opened = openIncident(aSentBroadcast(), NOW);
    const closed = closeIncident(opened, 'sam', LATER, 'all_clear', { message: 'All clear.' });

    expect(withinWindow(opened, '2026-11-24T14:00:00.000Z')).toBe(false);
    expect(withinWindow(opened, '2026-12-24T14:00:00.000Z')).toBe(true);
    expect(withinWindow(closed, '2026-11-24T16:00:01.000Z')).toBe(false);
  });

  it('offers at most three open incidents to a caller it cannot place', () => {
    const prompt = offerPrompt([
      { what: 'Gas leak', where: 'Elm Street' },
      { what: 'Water main burst', where: 'Birch Road' },
      { what: 'Outage', where: 'North' },
      { what: 'Fourth', where: 'Nowhere' },
    ]);
    expect(prompt).toBe(
      'If you are calling about the gas leak in Elm Street, press 1. If you are calling about the water main burst in Birch Road, press 2. ' +
        'If you are calling about the outage in North, press 3. Otherwise, stay on the line for our menu.',
    );
  });
});

describe('complaints linked to an incident', () => {
  const ticket = { id: '1000017', category: 'gas_smell', channel: 'phone', createdAt: NOW };

  it('records each update sent to a complainant once', () => {
    const link = newLink('b1incident', ticket, { reason: 'address', by: 'incident-desk' }, NOW);
    const once = recordNotified(link, { n: 2, at: LATER, emailed: true });
    const twice = recordNotified(once, { n: 2, at: LATER, emailed: true });

    expect(link.cause).toBe(true);
    expect(wasNotified(once, 2)).toBe(true);
    expect(wasNotified(once, 3)).toBe(false);
    expect(twice).toBe(once);
  });

  it('counts linked complaints by category', () => {
    expect(
      countsByCategory([{ category: 'gas_smell' }, { category: 'gas_smell' }, { category: 'billing' }]),
    ).toEqual({
      gas_smell: 2,
      billing: 1,
    });
  });
});

describe('broadcast follow-ups', () => {
  it('asks only a cancelled broadcast to be disregarded, once', () => {
    const sent = aSentBroadcast();
    const cancelled = applyBroadcastAction(sent, 'cancel', 'sam', LATER);
    const asked = requestDisregard(cancelled, 'Please disregard.', 'sam', LATER);

    expect(() => requestDisregard(sent, 'x', 'sam', LATER)).toThrow(TransitionNotAllowedError);
    expect(asked.disregard).toEqual({ message: 'Please disregard.', requestedBy: 'sam', requestedAt: LATER });
    expect(requestDisregard(asked, 'Other text', 'ann', LATER)).toBe(asked);
  });

  it('reaches by call those who answered, by e-mail those e-mailed, and nobody who was never reached', () => {
    const answered = recordAttempt(aRecipient(), { n: 1, at: NOW, result: 'answered' });
    const emailed = aRecipient({ phone: undefined, emailedAt: NOW, state: 'not_reached' });
    const neverAnswered = recordAttempt(aRecipient(), { n: 1, at: NOW, result: 'no_answer' });

    expect([wasReached(answered), followUpChannel(answered)]).toEqual([true, 'call']);
    expect([wasReached(emailed), followUpChannel(emailed)]).toEqual([true, 'email']);
    expect([wasReached(neverAnswered), followUpChannel(neverAnswered)]).toEqual([false, undefined]);
  });

  it('records a follow-up once per kind and its delivery once', () => {
    const r = aRecipient({ state: 'confirmed' });
    const queued = addFollowUp(r, { kind: 'disregard', channel: 'call', queuedAt: NOW, callJobId: 'j' });
    const delivered = endFollowUp(queued, 'disregard', LATER, true);

    expect(addFollowUp(queued, { kind: 'disregard', channel: 'email', queuedAt: LATER })).toBe(queued);
    expect(delivered.followUps).toEqual([
      { kind: 'disregard', channel: 'call', queuedAt: NOW, callJobId: 'j', deliveredAt: LATER },
    ]);
    expect(endFollowUp(delivered, 'disregard', LATER, false)).toBe(delivered);
  });
});
