/** Staff steps on a complaint through the API, as the portal sends them. */
import { expect } from 'vitest';
import type { Staff } from './desk';

export interface ComplaintRef {
  readonly id: string;
  readonly version: number;
}

export interface NewComplaint {
  readonly phone: string;
  readonly name?: string;
  readonly email?: string;
  readonly severity?: 'dissatisfied' | 'very_dissatisfied' | 'major' | 'crisis';
  readonly channel?: 'phone' | 'web' | 'email' | 'walk_in' | 'letter';
  readonly category?: string;
  readonly description?: string;
  readonly accountId?: string;
}

/** An agent registers a complaint (201 expected). */
export async function register(agent: Staff, complaint: NewComplaint): Promise<ComplaintRef> {
  const reply = await agent.post<ComplaintRef>('/api/tickets', {
    severity: complaint.severity ?? 'dissatisfied',
    channel: complaint.channel ?? 'phone',
    category: complaint.category ?? 'billing',
    description: complaint.description ?? 'Charged twice for the October bill',
    customer: {
      name: complaint.name ?? 'Jane Smith',
      phone: complaint.phone,
      ...(complaint.email ? { email: complaint.email } : {}),
      ...(complaint.accountId ? { accountId: complaint.accountId } : {}),
    },
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

/** `POST /api/tickets/{id}/{action}` at the complaint's current version; the complaint after it. */
export async function act(staff: Staff, id: string, action: string, body: unknown): Promise<ComplaintRef> {
  const { version } = await complaint(staff, id);
  const reply = await staff.post<ComplaintRef>(`/api/tickets/${id}/${action}`, body, {
    headers: { 'if-match': `"${version}"` },
  });
  expect(reply.status, `${action}: ${reply.text}`).toBe(200);
  return { id, version: reply.body.version };
}

/** The complaint as staff see it (`GET /api/tickets/{id}`). */
export async function complaint<T = { status: string; version: number } & Record<string, unknown>>(
  staff: Staff,
  id: string,
): Promise<T> {
  const reply = await staff.get<T>(`/api/tickets/${id}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

/** The complaint's history, oldest first. */
export async function history(
  staff: Staff,
  id: string,
): Promise<{ type: string; at: string; data: Record<string, unknown> }[]> {
  const reply = await staff.get<{ items: { type: string; at: string; data: Record<string, unknown> }[] }>(
    `/api/tickets/${id}/events?limit=100`,
  );
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items;
}

/** Contact recorded as reached, then resolved with the customer's agreement. */
export async function resolve(staff: Staff, id: string): Promise<ComplaintRef> {
  await act(staff, id, 'contacts', { outcome: 'reached' });
  return act(staff, id, 'resolve', {
    resolution: 'Refunded the double charge',
    customerAgreement: 'Agreed on the phone',
  });
}
