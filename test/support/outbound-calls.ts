import { expect } from 'vitest';
import { LocalApi } from '#test/support/local-api';
import { zoneWhereHourIs } from '#test/support/time-zones';

/**
 * Set-up shared by the integration tests of outbound calls (callbacks, surveys, promises, progress notices):
 * the local runtime with its clock waiting for calls in flight, complaints taken to the state a test needs,
 * and what the Connect emulator heard.
 */

/**
 * The local runtime for tests of outbound calls: logs silent, customers in `timeZone` (by default where it is
 * 10:00 now, inside calling hours), `env` on top. Each clock step waits for calls in flight (flows and their
 * Lambdas), as Connect waits for a Lambda.
 */
export async function startCallingRuntime(
  options: { readonly timeZone?: string; readonly env?: Record<string, string> } = {},
): Promise<LocalApi> {
  const api = await LocalApi.start({
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    CUSTOMER_TIME_ZONE: options.timeZone ?? zoneWhereHourIs(10, new Date()),
    ...options.env,
  });
  api.runtime.clock.onAdvance(() => api.runtime.connect.whenIdle());
  return api;
}

/** The runtime of {@link startCallingRuntime} and an agent's token ('alice'). */
export async function startCallingDesk(
  options: { readonly timeZone?: string; readonly env?: Record<string, string> } = {},
): Promise<{ api: LocalApi; agent: string }> {
  const api = await startCallingRuntime(options);
  return { api, agent: await api.tokenFor('alice', ['agent']) };
}

/** A billing complaint by Jane Smith on `phone` (201 expected). */
export async function registerComplaint(
  api: LocalApi,
  token: string,
  options: {
    readonly phone: string;
    readonly email?: string;
    readonly severity?: string;
    readonly channel?: string;
    readonly description?: string;
  },
): Promise<{ id: string; version: number }> {
  const created = await api.request<{ id: string; version: number }>('POST', '/api/tickets', {
    token,
    body: {
      severity: options.severity ?? 'dissatisfied',
      channel: options.channel ?? 'phone',
      category: 'billing',
      description: options.description ?? 'Charged twice for the October bill',
      customer: {
        name: 'Jane Smith',
        phone: options.phone,
        ...(options.email ? { email: options.email } : {}),
      },
    },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** POST /api/tickets/{id}/{action} at the complaint's version (200 expected); the new version. */
export async function actOn(
  api: LocalApi,
  token: string,
  complaint: { readonly id: string; readonly version: number },
  action: string,
  body: unknown,
): Promise<number> {
  const reply = await api.request<{ version: number }>('POST', `/api/tickets/${complaint.id}/${action}`, {
    token,
    headers: { 'if-match': `"${complaint.version}"` },
    body,
  });
  expect(reply.status).toBe(200);
  return reply.body.version;
}

/**
 * Records that the customer was reached and resolves the complaint (which queues its satisfaction call);
 * the new version.
 */
export async function resolveComplaint(
  api: LocalApi,
  token: string,
  complaint: { readonly id: string; readonly version: number },
  resolution = 'Refunded the double charge',
): Promise<number> {
  const version = await actOn(api, token, complaint, 'contacts', { outcome: 'reached' });
  return actOn(api, token, { id: complaint.id, version }, 'resolve', {
    resolution,
    customerAgreement: 'Agreed on the phone',
  });
}

/** Dispatches the complaint to `department` ("with the responsible department"); the new version. */
export async function dispatchComplaint(
  api: LocalApi,
  token: string,
  complaint: { readonly id: string; readonly version: number },
  department = 'billing',
): Promise<number> {
  return actOn(api, token, complaint, 'dispatch', { department });
}

/** The complaint's status now. */
export async function statusOf(api: LocalApi, token: string, id: string): Promise<string> {
  return (await api.request<{ status: string }>('GET', `/api/tickets/${id}`, { token })).body.status;
}

/** The complaint's history (up to 100 events). */
export async function eventsOf<E = { type: string; data: Record<string, unknown> }>(
  api: LocalApi,
  token: string,
  id: string,
): Promise<E[]> {
  const reply = await api.request<{ items: E[] }>('GET', `/api/tickets/${id}/events?limit=100`, { token });
  return reply.body.items;
}

/** The complaint's call jobs of one kind. */
export async function callJobsOf<J>(
  api: LocalApi,
  token: string,
  ticketId: string,
  kind: string,
): Promise<J[]> {
  const reply = await api.request<{ items: J[] }>('GET', `/api/call-jobs?ticketId=${ticketId}&kind=${kind}`, {
    token,
  });
  return reply.body.items;
}

/** The outbound calls to `phone`, oldest first. */
export function callsTo(api: LocalApi, phone: string) {
  return api.runtime.connect
    .listCalls({ direction: 'outbound' })
    .filter((c) => c.to === phone)
    .reverse();
}

/** What the system said on a call, in order. */
export const systemSaid = (call: { transcript: readonly { speaker: string; text: string }[] } | undefined) =>
  (call?.transcript ?? []).filter((l) => l.speaker === 'system').map((l) => l.text);

export const addMinutes = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();
