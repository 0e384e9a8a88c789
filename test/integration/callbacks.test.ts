import { afterEach, describe, expect, it } from 'vitest';
import { hoursOfOperation } from '#infra/flows/contact-center';
import { WEEKDAYS } from '#local/connect/hours';
import type { LocalApi } from '#test/support/local-api';
import { startCallingRuntime } from '#test/support/outbound-calls';
import { zoneWhereHourIs } from '#test/support/time-zones';

let api: LocalApi | undefined;

afterEach(async () => {
  await api?.stop();
  api = undefined;
});

function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** Seconds from now until the wall clock in `timeZone` next shows hh:00:00. */
function secondsUntil(hour: number, now: Date, timeZone: string): number {
  for (let s = 1; s <= 48 * 3600; s++) {
    const t = new Date(Math.ceil(now.getTime() / 1000) * 1000 + s * 1000);
    if (
      localTime(t.toISOString(), timeZone) === `${String(hour).padStart(2, '0')}:00` &&
      t.getUTCSeconds() === 0
    ) {
      return (t.getTime() - now.getTime()) / 1000;
    }
  }
  throw new Error('no such time');
}

describe('callbacks through the one dialer', () => {
  it('a callback asked for at 22:00 rings at 08:00 the next morning', async () => {
    const zone = zoneWhereHourIs(21, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const runtime = api.runtime;
    // Agents on duty from 08:00 in the customer's zone, every day: the callback at 08:00 finds one.
    runtime.connect.setHoursOfOperation(hoursOfOperation.desk.name, {
      timeZone: zone,
      weekly: WEEKDAYS.map((day) => ({ day, start: '08:00', end: '18:00' })),
    });
    const staff = await api.tokenFor('alice', ['agent']);
    const phone = '+15551239876';
    runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });

    await runtime.clock.advance(secondsUntil(22, runtime.clock.now(), zone));
    expect(localTime(runtime.clock.now().toISOString(), zone)).toBe('22:00');

    const booked = await api.request<{ jobId: string; dueAt: string }>('POST', '/api/callbacks', {
      token: staff,
      body: { phone, reason: 'caller_request' },
    });
    expect(booked.status).toBe(201);
    expect(localTime(booked.body.dueAt, zone)).toBe('08:00');
    // The local clock also moves with real time, by a few milliseconds here.
    expect(
      Math.abs(Date.parse(booked.body.dueAt) - runtime.clock.now().getTime() - 10 * 3600_000),
    ).toBeLessThan(5000);

    const ringsTo = () =>
      runtime.connect.callLog.filter((c) => c.destination === phone && c.result === 'started');
    await runtime.clock.advance(10 * 3600 - 120);
    expect(ringsTo()).toHaveLength(0);

    await runtime.clock.advance(150);
    const rings = ringsTo();
    expect(rings).toHaveLength(1);
    expect(localTime(rings[0]?.at ?? '', zone)).toBe('08:00');

    const job = await api.request<{ state: string; attempt: number; attempts: { contactId?: string }[] }>(
      'GET',
      `/api/call-jobs/${booked.body.jobId}`,
      { token: staff },
    );
    expect(job.body.attempt).toBe(1);
    expect(job.body.attempts[0]?.contactId).toBe(rings[0]?.contactId);
    // The customer confirmed who they are and waits for an agent in the queue.
    const call = runtime.connect.getCall(rings[0]?.contactId ?? '');
    expect(call?.transcript.map((l) => l.text).join(' ')).toContain('connecting you to an agent');
  });

  it('staff see and cancel a waiting callback; a cancelled job never rings', async () => {
    const zone = zoneWhereHourIs(22, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const phone = '+15551239877';
    const booked = await api.request<{ jobId: string }>('POST', '/api/callbacks', {
      token: staff,
      body: { phone, reason: 'after_hours' },
    });
    const listed = await api.request<{ items: { id: string; state: string }[] }>(
      'GET',
      '/api/call-jobs?kind=callback&state=pending',
      { token: staff },
    );
    expect(listed.body.items.map((j) => j.id)).toContain(booked.body.jobId);

    const cancelled = await api.request<{ state: string }>(
      'POST',
      `/api/call-jobs/${booked.body.jobId}/cancel`,
      {
        token: staff,
      },
    );
    expect(cancelled.body.state).toBe('cancelled');
    const again = await api.request('POST', `/api/call-jobs/${booked.body.jobId}/cancel`, { token: staff });
    expect(again.status).toBe(409);

    await api.runtime.clock.advance(12 * 3600);
    expect(api.runtime.connect.callLog.filter((c) => c.destination === phone)).toHaveLength(0);
  });

  it('a bad line on our side is called back within 3 minutes, even after hours', async () => {
    const zone = zoneWhereHourIs(23, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const phone = '+15551239878';
    api.runtime.connect.setNumberBehaviour(phone, { answer: 'answer', keys: '1' });
    const asked = api.runtime.clock.now().getTime();
    const booked = await api.request<{ dueAt: string }>('POST', '/api/callbacks', {
      token: staff,
      body: { phone, reason: 'bad_line' },
    });
    expect(Date.parse(booked.body.dueAt) - asked).toBeLessThanOrEqual(3 * 60_000);

    await api.runtime.clock.advance(3 * 60);
    const rings = api.runtime.connect.callLog.filter(
      (c) => c.destination === phone && c.result === 'started',
    );
    expect(rings).toHaveLength(1);
    expect(Date.parse(rings[0]?.at ?? '') - asked).toBeLessThanOrEqual(3 * 60_000);
  });

  it("the hotline's callback Lambda books a real call job with the dialer", async () => {
    const zone = zoneWhereHourIs(22, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const answer = await api.runtime.lambdas.invoke<Record<string, string>>('PhoneRequestCallback', {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          ContactId: 'c0ffee00-0000-4000-8000-000000000001',
          Channel: 'VOICE',
          InstanceARN: `arn:aws:connect:eu-west-1:000000000000:instance/${api.runtime.connect.instanceId}`,
          InitiationMethod: 'INBOUND',
          CustomerEndpoint: { Address: '+15551239879', Type: 'TELEPHONE_NUMBER' },
          Attributes: {},
        },
        Parameters: { reason: 'after_hours', priority: 'callback', ticketNumber: '' },
      },
    });
    expect(answer.outcome).toBe('booked');
    expect(localTime(answer.dueAt ?? '', zone)).toBe('08:00');
    const job = await api.request<{ kind: string; state: string; reason: string; requestedBy: string }>(
      'GET',
      `/api/call-jobs/${answer.jobId}`,
      { token: staff },
    );
    expect(job.body).toMatchObject({ kind: 'callback', state: 'pending', reason: 'after_hours' });
  });

  it('three requests for one number at the same moment book one job; the other two join it', async () => {
    const zone = zoneWhereHourIs(22, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const phone = '+15551239880';
    const replies = await Promise.all(
      [0, 1, 2].map(() =>
        api?.request<{ jobId: string; joined: boolean }>('POST', '/api/callbacks', {
          token: staff,
          body: { phone },
        }),
      ),
    );
    expect(replies.map((r) => r?.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(replies.map((r) => r?.body.jobId)).size).toBe(1);
    expect(replies.filter((r) => r?.body.joined)).toHaveLength(2);

    // Two requests with one key at the same moment: one job, the same answer.
    const other = '+15551239881';
    const keyed = await Promise.all(
      [0, 1].map(() =>
        api?.request<{ jobId: string }>('POST', '/api/callbacks', {
          token: staff,
          body: { phone: other },
          headers: { 'idempotency-key': 'same-moment-key' },
        }),
      ),
    );
    expect(keyed.map((r) => r?.status).sort()).toEqual([200, 201]);
    expect(keyed[0]?.body.jobId).toBe(keyed[1]?.body.jobId);

    // Once that callback has ended, the number may have a new one.
    const cancelled = await api.request('POST', `/api/call-jobs/${replies[0]?.body.jobId}/cancel`, {
      token: staff,
    });
    expect(cancelled.status).toBe(200);
    const fresh = await api.request<{ jobId: string }>('POST', '/api/callbacks', {
      token: staff,
      body: { phone },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.jobId).not.toBe(replies[0]?.body.jobId);
  });

  it('a call that ended before its callback was linked to it does not hold the callback', async () => {
    const zone = zoneWhereHourIs(12, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const contactId = 'c0ffee00-0000-4000-8000-000000000002';
    const endedAt = api.runtime.clock.now().toISOString();
    // The hang-up's contact event overtakes the flow's Lambda.
    await api.runtime.lambdas.invoke('ContactEvents', {
      'detail-type': 'Amazon Connect Contact Event',
      detail: {
        eventType: 'DISCONNECTED',
        contactId,
        initiationMethod: 'INBOUND',
        connectedToSystemTimestamp: endedAt,
        disconnectTimestamp: endedAt,
        disconnectReason: 'CUSTOMER_DISCONNECT',
      },
    });
    const answer = await api.runtime.lambdas.invoke<Record<string, string>>('PhoneRequestCallback', {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          ContactId: contactId,
          Channel: 'VOICE',
          InstanceARN: `arn:aws:connect:eu-west-1:000000000000:instance/${api.runtime.connect.instanceId}`,
          InitiationMethod: 'INBOUND',
          CustomerEndpoint: { Address: '+15551239882', Type: 'TELEPHONE_NUMBER' },
          Attributes: {},
        },
        Parameters: { reason: 'caller_request', priority: 'callback', ticketNumber: '' },
      },
    });
    expect(answer.outcome).toBe('booked');
    const job = await api.request<{ heldForContact?: string; nextAttemptAt: string }>(
      'GET',
      `/api/call-jobs/${answer.jobId}`,
      { token: staff },
    );
    expect(job.body.heldForContact).toBeUndefined();
    expect(Date.parse(job.body.nextAttemptAt) - Date.parse(endedAt)).toBeLessThanOrEqual(60_000);
  });

  it('a caller who asks again on a new call joins their waiting callback, and it waits for that call too', async () => {
    const zone = zoneWhereHourIs(12, new Date());
    api = await startCallingRuntime({ timeZone: zone });
    const staff = await api.tokenFor('alice', ['agent']);
    const runtime = api.runtime;
    const caller = '+15551239883';
    const ask = (contactId: string) =>
      runtime.lambdas.invoke<Record<string, string>>('PhoneRequestCallback', {
        Name: 'ContactFlowEvent',
        Details: {
          ContactData: {
            ContactId: contactId,
            Channel: 'VOICE',
            InstanceARN: `arn:aws:connect:eu-west-1:000000000000:instance/${runtime.connect.instanceId}`,
            InitiationMethod: 'INBOUND',
            CustomerEndpoint: { Address: caller, Type: 'TELEPHONE_NUMBER' },
            Attributes: {},
          },
          Parameters: { reason: 'caller_request', priority: 'callback', ticketNumber: '' },
        },
      });
    const job = async (id: string) =>
      (
        await api?.request<{ heldForContact?: string; state: string }>('GET', `/api/call-jobs/${id}`, {
          token: staff,
        })
      )?.body;
    const first = await ask('c0ffee00-0000-4000-8000-00000000000a');
    expect(first.outcome).toBe('booked');
    expect((await job(first.jobId ?? ''))?.heldForContact).toBe('c0ffee00-0000-4000-8000-00000000000a');

    const second = await ask('c0ffee00-0000-4000-8000-00000000000b');
    expect(second.jobId).toBe(first.jobId);
    expect(await job(first.jobId ?? '')).toMatchObject({
      state: 'pending',
      heldForContact: 'c0ffee00-0000-4000-8000-00000000000b',
    });
    expect(runtime.connect.callLog.filter((c) => c.destination === caller)).toHaveLength(0);
  });
});
