import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Recipient } from '#shared/domain/broadcast';
import { followUpRequested } from '#shared/domain/broadcast-events';
import { newCallJob } from '#shared/domain/call-job';
import type { Customer } from '#shared/domain/customer';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TransitionNotAllowedError,
} from '#shared/domain/errors';
import {
  addressInArea,
  addUpdate,
  closeIncident,
  countsByCategory,
  coversArea,
  type Incident,
  type IncidentDetail,
  type IncidentLink,
  inboundNotice,
  type LinkReason,
  latestUpdate,
  MAX_OFFERED_INCIDENTS,
  type NewIncidentUpdate,
  newLink,
  offerPrompt,
  type PublicIncident,
  publicIncident,
  recordNotified,
  wasNotified,
  withinWindow,
} from '#shared/domain/incident';
import { type NoticeJob, noticeProgressed, noticeRequested } from '#shared/domain/incident-events';
import {
  type Actor,
  applyAction,
  awaitingReview,
  hasRole,
  isOpen,
  type Ticket,
  type TicketEvent,
} from '#shared/domain/ticket';
import type { Dependencies } from '#shared/ports/dependencies';
import type { IncidentEvent } from '#shared/ports/incident-store';
import { confirmFromInboundCall } from './broadcasts';
import type { ComplaintDeps } from './complaints';
import { enqueueCallJob, recordCallAnswer } from './dialer';
import { keyOrderedSlice, type SliceTimeLeft, sliceClock } from './slices';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** Who links complaints from the area on their own, and resolves them when the incident closes. */
export const INCIDENT_ACTOR: Actor = { kind: 'system', username: 'incident-desk' };

const username = (actor: Actor) => actor.username;
const nowIso = (deps: Pick<Dependencies, 'clock'>) => deps.clock.now().toISOString();

function requireStaff(actor: Actor, minimum: 'agent' | 'supervisor', what: string): void {
  if (!hasRole(actor, minimum))
    throw new ForbiddenError(`Only ${minimum === 'agent' ? 'staff' : 'a supervisor or above'} may ${what}`);
}

async function requireIncident(deps: Dependencies, id: string): Promise<Incident> {
  const incident = await deps.incidents.get(id);
  if (!incident) throw new NotFoundError(`No incident ${id}`, 'id');
  return incident;
}

async function changeIncident(
  deps: Dependencies,
  id: string,
  change: (current: Incident) => Incident,
): Promise<{ before: Incident; after: Incident }> {
  for (let tries = 0; tries < 3; tries++) {
    const before = await requireIncident(deps, id);
    const after = change(before);
    if (await deps.incidents.save(after, before.version)) return { before, after };
  }
  throw new ConflictError(`Incident ${id} kept changing; try again`);
}

function event(
  incidentId: string,
  type: IncidentEvent['type'],
  actor: string,
  at: string,
  data: IncidentEvent['data'],
) {
  return { incidentId, type, actor, at, data } satisfies IncidentEvent;
}

// --- the hotline: notice first ------------------------------------------------------------------------

export type IncidentNoticeAnswer =
  | {
      readonly outcome: 'notice';
      readonly incidentId: string;
      readonly message: string;
      /** The broadcast recipient the caller may confirm as (absent: nothing to confirm). */
      readonly account?: string;
    }
  | { readonly outcome: 'offer'; readonly prompt: string; readonly choices: number }
  | { readonly outcome: 'none' };

/** How long the hotline reuses its read of the open incidents: a flood of calls reads them once a few seconds. */
const OPEN_INCIDENTS_CACHE_MS = 5000;
const openIncidentsRead = new WeakMap<object, { at: number; incidents: Promise<Incident[]> }>();

/** The open incidents, read at most once per few seconds per store (per Lambda instance when deployed). */
function openIncidentsForHotline(deps: Dependencies): Promise<Incident[]> {
  const now = deps.clock.now().getTime();
  const cached = openIncidentsRead.get(deps.incidents);
  if (cached && now >= cached.at && now - cached.at < OPEN_INCIDENTS_CACHE_MS) return cached.incidents;
  const incidents = deps.incidents.open();
  openIncidentsRead.set(deps.incidents, { at: now, incidents });
  incidents.catch(() => openIncidentsRead.delete(deps.incidents));
  return incidents;
}

/** Incidents an unknown caller may be asked about: the newest first, at most three. */
const offered = (open: readonly Incident[]) =>
  [...open].sort((a, b) => b.openedAt.localeCompare(a.openedAt)).slice(0, MAX_OFFERED_INCIDENTS);

/**
 * What a caller hears before the menu. A registered customer inside an open incident's area hears its notice
 * (latest update, in their language where written) and may confirm it as their broadcast call; a registered
 * customer elsewhere hears nothing extra; a caller the registry does not know is asked whether they call
 * about one of the open incidents (`choice` is the key they pressed). In a flood this is one read per
 * caller: the customer and the recipients their number was share an index key.
 */
export async function incidentNoticeFor(
  deps: Dependencies,
  phone: string,
  choice?: number,
): Promise<IncidentNoticeAnswer> {
  // Outside an outage this is the whole cost of the step: one (cached) read, then on to the menu.
  const open = await openIncidentsForHotline(deps);
  if (open.length === 0) return { outcome: 'none' };
  const tz = deps.config.deskTimeZone;
  const { customer, recipients } = await deps.customers.findByPhoneWithRecipients(phone);
  const notice = async (incident: Incident): Promise<IncidentNoticeAnswer> => {
    const recipient = customer ? await recipientToConfirm(deps, incident, customer, recipients) : undefined;
    return {
      outcome: 'notice',
      incidentId: incident.id,
      message: inboundNotice(incident, customer?.language, tz),
      ...(recipient ? { account: recipient.account } : {}),
    };
  };
  if (choice !== undefined) {
    const chosen = offered(open)[choice - 1];
    return chosen ? notice(chosen) : { outcome: 'none' };
  }
  if (!customer)
    return { outcome: 'offer', prompt: offerPrompt(offered(open)), choices: offered(open).length };
  const covering = open
    .filter((incident) => coversArea(incident, customer.area))
    .sort((a, b) => latestUpdate(b).at.localeCompare(latestUpdate(a).at));
  const incident = covering[0];
  return incident ? notice(incident) : { outcome: 'none' };
}

/**
 * The caller's recipient of the incident's broadcast, while they still have something to confirm. Found by
 * their number; one written before recipients were indexed by number is read by account.
 */
async function recipientToConfirm(
  deps: Dependencies,
  incident: Incident,
  customer: Customer,
  byPhone: readonly Recipient[],
): Promise<Recipient | undefined> {
  const ofBroadcast = byPhone.filter((r) => r.broadcastId === incident.broadcastId);
  const recipient =
    ofBroadcast.find((r) => r.account === customer.account) ??
    ofBroadcast[0] ??
    (await deps.broadcasts.recipient(incident.broadcastId, customer.account));
  return recipient && recipient.state !== 'confirmed' && recipient.state !== 'no_contact'
    ? recipient
    : undefined;
}

/**
 * The caller pressed 1 after the notice: their broadcast recipient (`account`, as the notice step found it
 * for this number) is confirmed (`inbound`, with the time) and their waiting broadcast call is cancelled, so
 * they are not rung for it again.
 */
export async function confirmNoticeByCaller(
  deps: Dependencies,
  phone: string,
  incidentId: string,
  account?: string,
): Promise<'confirmed' | 'not_recipient'> {
  const incident =
    (await openIncidentsForHotline(deps)).find((i) => i.id === incidentId) ??
    (await deps.incidents.get(incidentId));
  const confirming = account ?? (await deps.customers.findByPhone(phone))?.account;
  if (!incident || !confirming) return 'not_recipient';
  const recipient = await confirmFromInboundCall(deps, {
    broadcastId: incident.broadcastId,
    account: confirming,
  });
  return recipient?.state === 'confirmed' ? 'confirmed' : 'not_recipient';
}

/** An incident-update or follow-up call was answered and its message played: the attempt counts as reached. */
export async function incidentCallHeard(
  deps: Dependencies,
  input: { jobId: string; attempt: number },
): Promise<void> {
  await recordCallAnswer(deps, {
    jobId: input.jobId,
    attempt: input.attempt,
    reached: true,
    data: { heard: 'yes' },
  });
}

// --- linking complaints ---------------------------------------------------------------------------------

type LinkDeps = ComplaintDeps & Pick<Dependencies, 'incidents' | 'customers'>;

function canLink(deps: ComplaintDeps): deps is LinkDeps {
  const d = deps as Partial<LinkDeps>;
  return d.incidents !== undefined && d.customers !== undefined;
}

async function customerOf(deps: LinkDeps, ticket: Ticket): Promise<Customer | undefined> {
  if (ticket.customer.account) {
    const byAccount = await deps.customers.get(ticket.customer.account);
    if (byAccount) return byAccount;
  }
  return deps.customers.findByPhone(ticket.customer.phone);
}

/**
 * After a complaint is registered (any channel): link it to every open incident whose area holds the
 * customer (registry, by account or phone) or the complaint's address, within the incident's time.
 * A reaction to `registered`: a failure throws and is retried; a link made twice is one link.
 */
export async function linkNewComplaint(deps: ComplaintDeps, ticket: Ticket): Promise<string[]> {
  if (!canLink(deps)) return [];
  const open = await deps.incidents.open();
  const candidates = open.filter((incident) => withinWindow(incident, ticket.createdAt));
  if (candidates.length === 0) return [];
  const customer = await customerOf(deps, ticket);
  const linked: string[] = [];
  for (const incident of candidates) {
    const reason: LinkReason | undefined =
      customer && coversArea(incident, customer.area)
        ? 'customer_area'
        : addressInArea(incident.selection, ticket.customer.address)
          ? 'address'
          : undefined;
    if (!reason) continue;
    if (await link(deps, incident, ticket, { reason, by: INCIDENT_ACTOR.username })) linked.push(incident.id);
  }
  return linked;
}

async function link(
  deps: LinkDeps,
  incident: Incident,
  ticket: Ticket,
  how: { reason: LinkReason; by: string; cause?: boolean },
): Promise<boolean> {
  const now = nowIso(deps);
  const created = newLink(incident.id, ticket, how, now);
  if (!(await deps.incidents.link(created))) return false;
  await Promise.all([
    deps.tickets.appendEvent({
      ticketId: ticket.id,
      type: 'incident_linked',
      at: now,
      actor: how.by,
      version: ticket.version,
      data: {
        incidentId: incident.id,
        what: incident.what,
        where: incident.where,
        reason: how.reason,
        cause: created.cause,
      },
    }),
    deps.incidents.appendEvent(
      event(incident.id, 'complaint_linked', how.by, now, {
        ticketId: ticket.id,
        reason: how.reason,
        category: ticket.category,
      }),
    ),
  ]);
  return true;
}

/** Staff link a complaint by hand (or change whether the incident caused it). */
export async function linkComplaint(
  deps: Dependencies,
  actor: Actor,
  incidentId: string,
  input: { ticketId: string; cause?: boolean },
): Promise<IncidentLink> {
  requireStaff(actor, 'agent', 'link complaints to an incident');
  const incident = await requireIncident(deps, incidentId);
  const ticket = await deps.tickets.get(input.ticketId);
  if (!ticket) throw new NotFoundError(`Complaint ${input.ticketId} not found`, 'ticketId');
  const existing = await deps.incidents.getLink(incidentId, ticket.id);
  if (existing) {
    if (input.cause === undefined || input.cause === existing.cause) return existing;
    const next = { ...existing, cause: input.cause, version: existing.version + 1 };
    if (!(await deps.incidents.saveLink(next, existing.version)))
      throw new ConflictError('The link changed; try again');
    return next;
  }
  await link(deps, incident, ticket, {
    reason: 'manual',
    by: username(actor),
    ...(input.cause !== undefined ? { cause: input.cause } : {}),
  });
  const stored = await deps.incidents.getLink(incidentId, ticket.id);
  if (!stored) throw new ConflictError('The link was removed meanwhile; try again');
  return stored;
}

export async function unlinkComplaint(
  deps: Dependencies,
  actor: Actor,
  incidentId: string,
  ticketId: string,
): Promise<void> {
  requireStaff(actor, 'agent', 'unlink complaints from an incident');
  await requireIncident(deps, incidentId);
  const ticket = await deps.tickets.get(ticketId);
  if (!(await deps.incidents.unlink(incidentId, ticketId)))
    throw new NotFoundError(`Complaint ${ticketId} is not linked to incident ${incidentId}`, 'ticketId');
  const now = nowIso(deps);
  await Promise.all([
    ticket
      ? deps.tickets.appendEvent({
          ticketId,
          type: 'incident_unlinked',
          at: now,
          actor: username(actor),
          version: ticket.version,
          data: { incidentId },
        })
      : Promise.resolve(),
    deps.incidents.appendEvent(event(incidentId, 'complaint_unlinked', username(actor), now, { ticketId })),
  ]);
}

// --- reading ----------------------------------------------------------------------------------------------

export async function listIncidents(deps: Dependencies, actor: Actor, limit: number) {
  requireStaff(actor, 'agent', 'read incidents');
  const incidents = await deps.incidents.list(limit);
  return { items: incidents.map((incident) => ({ ...incident, latestUpdate: latestUpdate(incident) })) };
}

/** The incident page: the incident, its updates, linked complaints (counts by category), broadcast counts. */
export async function incidentDetail(deps: Dependencies, actor: Actor, id: string): Promise<IncidentDetail> {
  requireStaff(actor, 'agent', 'read incidents');
  const incident = await requireIncident(deps, id);
  const [links, events, broadcast] = await Promise.all([
    deps.incidents.links(id),
    deps.incidents.events(id),
    deps.broadcasts.get(incident.broadcastId),
  ]);
  const tickets = await Promise.all(links.map((l) => deps.tickets.get(l.ticketId)));
  const complaints = links
    .map((l, i) => ({
      ...l,
      status: tickets[i]?.status ?? 'unknown',
      severity: tickets[i]?.severity ?? null,
    }))
    .sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
  return {
    incident: { ...incident, latestUpdate: latestUpdate(incident) },
    complaints,
    countsByCategory: countsByCategory(links),
    events: events.sort((a, b) => a.at.localeCompare(b.at)),
    broadcast: broadcast
      ? {
          id: broadcast.id,
          state: broadcast.state,
          counts: broadcast.counts,
          recipientCount: broadcast.recipientCount ?? 0,
        }
      : null,
  };
}

/** No auth: state, area in words, since when, the latest update; no names or numbers. */
export async function publicIncidentStatus(deps: Dependencies, id: string): Promise<PublicIncident> {
  const incident = await deps.incidents.get(id);
  if (!incident) throw new NotFoundError('No such incident');
  return publicIncident(incident);
}

// --- updates to everyone linked -------------------------------------------------------------------------------

/** A new version of what is known; with `notify`, sent to every linked complainant (once each). */
export async function postIncidentUpdate(
  deps: Dependencies,
  actor: Actor,
  id: string,
  update: NewIncidentUpdate & { notifyComplainants?: boolean },
) {
  requireStaff(actor, 'supervisor', 'post an incident update');
  const { notifyComplainants: notify, ...content } = update;
  const now = nowIso(deps);
  const { after } = await changeIncident(deps, id, (current) =>
    addUpdate(current, content, username(actor), now),
  );
  const latest = latestUpdate(after);
  await deps.incidents.appendEvent(
    event(id, 'updated', username(actor), now, { update: latest.n, estimate: latest.estimate ?? null }),
  );
  const notified = notify ? await notifyComplainants(deps, actor, id, latest.n) : undefined;
  return { incident: { ...after, latestUpdate: latest }, ...(notified ? { notified } : {}) };
}

/**
 * Sends update `n` (default the latest) to every linked complainant: an e-mail where there is an address,
 * and a call where they chose the phone (complaints made by phone) or left no e-mail. The request saves a
 * notice job and answers at once; the job's slices (reactions) tell each complainant, resumable after any
 * crash. Each complainant gets each update once: their link records it with the complaint's own event, in
 * one transaction, so a retried slice or a repeated request tells nobody twice.
 */
export async function notifyComplainants(deps: Dependencies, actor: Actor, id: string, n?: number) {
  requireStaff(actor, 'supervisor', 'send an incident update to complainants');
  const incident = await requireIncident(deps, id);
  const update = n === undefined ? latestUpdate(incident) : incident.updates.find((u) => u.n === n);
  if (!update) throw new NotFoundError(`Incident ${id} has no update ${n}`, 'update');
  return requestNotice(deps, incident.id, update.n, username(actor));
}

async function requestNotice(deps: Dependencies, incidentId: string, n: number, by: string) {
  const links = await deps.incidents.links(incidentId);
  const owed = links.filter((l) => !wasNotified(l, n)).length;
  if (owed > 0) {
    const job: NoticeJob = { incidentId, update: n, request: randomUUID(), by };
    await deps.incidents.appendEvent(noticeRequested(job, by, nowIso(deps)));
  }
  return {
    update: n,
    complainants: links.length,
    owed,
    already: links.length - owed,
    state: owed > 0 ? ('sending' as const) : ('sent' as const),
  };
}

/**
 * One slice of a notice job: the complainants after `after` (in complaint id order) are told, until the
 * slice's time is up; then a progress event carries the rest to the next slice. The last slice records the
 * notice's counts on the incident.
 */
export async function noticeSlice(
  deps: Dependencies,
  job: NoticeJob,
  after?: string,
  timeLeft: SliceTimeLeft = sliceClock(),
): Promise<void> {
  const incident = await deps.incidents.get(job.incidentId);
  const update = incident?.updates.find((u) => u.n === job.update);
  if (!incident || !update) return;
  const slice = await keyOrderedSlice(await deps.incidents.links(job.incidentId), {
    keyOf: (link) => link.ticketId,
    after,
    timeLeft,
    step: (link) => tellComplainant(deps, incident, update.n, link, job.by),
    handOver: (last) => deps.incidents.appendEvent(noticeProgressed(job, last, nowIso(deps))),
  });
  if (slice === 'continues') return;
  const all = await deps.incidents.links(job.incidentId);
  const marks = all.flatMap((l) => l.notified.filter((x) => x.n === update.n));
  await deps.incidents.appendEvent(
    event(job.incidentId, 'complainants_notified', job.by, nowIso(deps), {
      update: update.n,
      request: job.request,
      complainants: all.length,
      emailed: marks.filter((x) => x.emailed).length,
      called: marks.filter((x) => x.callJobId !== undefined).length,
    }),
  );
}

/** Marks the link told update `n` with the complaint's `incident_update_sent`; its mail and call follow it. */
async function tellComplainant(
  deps: Dependencies,
  incident: Incident,
  n: number,
  first: IncidentLink,
  by: string,
): Promise<void> {
  let link: IncidentLink | undefined = first;
  // A link saved by something else meanwhile (a resolve) is read again; one told already is left alone.
  for (let tries = 0; link && !wasNotified(link, n) && tries < 5; tries++) {
    const ticket = await deps.tickets.get(link.ticketId);
    if (!ticket) return;
    const byEmail = ticket.customer.email !== undefined;
    const byCall = ticket.channel === 'phone' || !byEmail;
    const now = nowIso(deps);
    const callJobId = `iu-${incident.id}-${n}-${ticket.id}`;
    const marked = recordNotified(link, { n, at: now, emailed: byEmail, ...(byCall ? { callJobId } : {}) });
    const sent: TicketEvent = {
      ticketId: ticket.id,
      type: 'incident_update_sent',
      at: now,
      actor: by,
      version: ticket.version,
      data: {
        incidentId: incident.id,
        update: n,
        emailed: byEmail,
        call: byCall,
        ...(byCall ? { callJobId } : {}),
      },
    };
    if (await deps.incidents.saveLinkNotified(marked, link.version, sent)) return;
    link = await deps.incidents.getLink(incident.id, link.ticketId);
  }
}

/** The e-mail of an incident update to one complainant (a reaction of the complaint's `incident_update_sent`). */
export async function mailIncidentUpdate(deps: Dependencies, sent: TicketEvent): Promise<void> {
  const { incident, update, ticket } = await updateSent(deps, sent);
  if (!incident || !update || !ticket?.customer.email) return;
  await deps.mailer.send({
    to: ticket.customer.email,
    subject: `Update on the ${incident.what.toLowerCase()} in ${incident.where} (complaint ${ticket.number})`,
    text: `${update.message}\n\nYour complaint ${ticket.number} is linked to this incident; we will keep you informed.`,
  });
}

/** The call of an incident update to one complainant (a reaction of the complaint's `incident_update_sent`). */
export async function callIncidentUpdate(deps: Dependencies, sent: TicketEvent): Promise<void> {
  const { incident, update, ticket } = await updateSent(deps, sent);
  const callJobId = sent.data.callJobId;
  if (!incident || !update || !ticket || typeof callJobId !== 'string') return;
  const now = nowIso(deps);
  await enqueueCallJob(
    deps,
    newCallJob(
      {
        id: callJobId,
        kind: 'broadcast',
        priority: 'progress',
        phone: ticket.customer.phone,
        ...(ticket.customer.email ? { email: ticket.customer.email } : {}),
        ticketId: ticket.id,
        timeZone: deps.config.dialer.customerTimeZone,
        dueAt: now,
        respectsCallingHours: true,
        requestedBy: sent.actor,
        attributes: {
          incidentId: incident.id,
          followUp: 'update',
          update: String(update.n),
          message: update.message,
        },
      },
      now,
      deps.config.dialer.policy,
    ),
  );
}

async function updateSent(deps: Dependencies, sent: TicketEvent) {
  const incidentId = String(sent.data.incidentId);
  const [incident, ticket] = await Promise.all([
    deps.incidents.get(incidentId),
    deps.tickets.get(sent.ticketId),
  ]);
  const update = incident?.updates.find((u) => u.n === Number(sent.data.update));
  return { incident, update, ticket };
}

// --- closing ---------------------------------------------------------------------------------------------

/**
 * Closes the incident with its all-clear update. Options: an all-clear follow-up to every recipient who
 * confirmed the broadcast; the all clear sent to linked complainants; linked complaints the incident caused
 * resolved (each with its own events, reopenable as any resolved complaint).
 */
export async function closeIncidentAllClear(
  deps: Dependencies,
  actor: Actor,
  id: string,
  input: NewIncidentUpdate & {
    allClearBroadcast?: boolean;
    notifyComplainants?: boolean;
    resolveLinked?: boolean;
  },
) {
  requireStaff(actor, 'supervisor', 'close an incident');
  const { allClearBroadcast, notifyComplainants: notify, resolveLinked, ...update } = input;
  const now = nowIso(deps);
  const incident = await requireIncident(deps, id);
  if (incident.state !== 'open') throw new TransitionNotAllowedError(`Incident ${id} is already closed`);
  const { after } = await changeIncident(deps, id, (current) =>
    closeIncident(current, username(actor), now, 'all_clear', update),
  );
  await deps.incidents.appendEvent(
    event(id, 'closed', username(actor), now, { reason: 'all_clear', update: latestUpdate(after).n }),
  );

  // The all clear to everyone who confirmed the broadcast is a job of its own (slices, resumable): the answer
  // counts who is owed it (queued) and who has it already (skipped).
  let allClear = { queued: 0, skipped: 0 };
  if (allClearBroadcast) {
    const broadcast = await deps.broadcasts.get(after.broadcastId);
    if (broadcast) {
      const confirmed = (await deps.broadcasts.allRecipients(broadcast.id)).filter(
        (r) => r.state === 'confirmed',
      );
      const skipped = confirmed.filter((r) => r.followUps?.some((f) => f.kind === 'all_clear')).length;
      allClear = { queued: confirmed.length - skipped, skipped };
      await deps.broadcasts.appendEvent(followUpRequested(broadcast.id, 'all_clear', username(actor), now));
    }
  }
  const notified = notify ? await notifyComplainants(deps, actor, id, latestUpdate(after).n) : undefined;
  const resolved = resolveLinked ? await resolveLinkedComplaints(deps, after) : undefined;
  return {
    incident: { ...after, latestUpdate: latestUpdate(after) },
    allClear,
    ...(notified ? { notified } : {}),
    ...(resolved ? { resolved } : {}),
  };
}

/**
 * Resolves each open linked complaint the incident caused, through the lifecycle: progress recorded where the
 * complaint is with a department, then resolved. A complaint nobody has contacted or dispatched yet cannot be
 * resolved by the rules: it gets an `incident_cleared` event and stays for the desk.
 */
async function resolveLinkedComplaints(deps: Dependencies, incident: Incident) {
  const links = (await deps.incidents.links(incident.id)).filter((l) => l.cause && !l.resolvedAt);
  let resolved = 0;
  let leftOpen = 0;
  const message = latestUpdate(incident).message;
  for (const l of links) {
    try {
      const outcome = await resolveOne(deps, incident, l.ticketId, message);
      if (outcome === 'resolved') {
        resolved++;
        const now = nowIso(deps);
        await deps.incidents.saveLink({ ...l, resolvedAt: now, version: l.version + 1 }, l.version);
        await deps.incidents.appendEvent(
          event(incident.id, 'complaint_resolved', INCIDENT_ACTOR.username, now, { ticketId: l.ticketId }),
        );
      } else if (outcome === 'left_open') leftOpen++;
    } catch (error) {
      leftOpen++;
      logger.warn('Linked complaint not resolved', {
        ticketId: l.ticketId,
        errorName: (error as Error)?.name,
      });
    }
  }
  return { resolved, leftOpen };
}

async function resolveOne(
  deps: Dependencies,
  incident: Incident,
  ticketId: string,
  message: string,
): Promise<'resolved' | 'left_open' | 'not_open'> {
  let ticket = await deps.tickets.get(ticketId);
  if (!ticket || !isOpen(ticket)) return 'not_open';
  const context = () => ({
    actor: INCIDENT_ACTOR,
    now: nowIso(deps),
    policy: deps.config.deadlinePolicy,
    departments: deps.config.departments,
  });
  const apply = async (current: Ticket, action: Parameters<typeof applyAction>[1]): Promise<Ticket> => {
    const { ticket: next, event: ev } = applyAction(current, action, context());
    // Resolved like any other resolution: the same reactions follow (promises kept, survey, timers).
    await deps.tickets.update(next, current.version, [ev], current);
    return next;
  };
  const cause = `Caused by incident ${incident.id} (${incident.what}, ${incident.where}), now closed`;
  // A reopened complaint the manager has not reviewed yet is left for the review (incident_cleared below).
  if (ticket.status === 'dispatched' || (ticket.status === 'reopened' && !awaitingReview(ticket))) {
    ticket = await apply(ticket, { type: 'recordProgress', note: `${cause}: ${message}` });
  }
  if (ticket.status === 'contacted' || ticket.status === 'in_progress') {
    await apply(ticket, {
      type: 'resolve',
      resolution: `${cause}. ${message}`,
      customerAgreement: 'Told by the all-clear notice; reopen if the problem persists',
    });
    return 'resolved';
  }
  const cleared: TicketEvent = {
    ticketId: ticket.id,
    type: 'incident_cleared',
    at: nowIso(deps),
    actor: INCIDENT_ACTOR.username,
    version: ticket.version,
    data: { incidentId: incident.id, note: `${cause}; contact the customer, then resolve` },
  };
  await deps.tickets.appendEvent(cleared);
  return 'left_open';
}
