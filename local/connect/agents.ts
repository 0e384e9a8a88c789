/**
 * Simulated agents, routed as Connect routes: an agent is offered contacts only from the queues of its
 * routing profile, the lowest priority number first, within a queue the longest waiting first, and only
 * after the queue's delay for that profile; among agents the one idle longest is offered first. An agent is
 * Offline until set Available (PutUserStatus, or the phone simulator); on a contact it talks for its talk
 * time and hangs up (or the caller does), then does after-contact work before the next contact.
 */
import type { StoredRoutingProfile, StoredUser } from './control-plane.ts';

export type AgentStatusName = 'Available' | 'Offline';
export type AgentActivity = 'idle' | 'on-contact' | 'after-contact-work';

/** Connect's two default agent statuses (every instance has them). */
export const AGENT_STATUSES: readonly {
  readonly name: AgentStatusName;
  readonly type: 'ROUTABLE' | 'OFFLINE';
}[] = [
  { name: 'Available', type: 'ROUTABLE' },
  { name: 'Offline', type: 'OFFLINE' },
];

/** Talk time of a simulated agent when none is set: a short conversation. */
export const DEFAULT_TALK_SECONDS = 120;
/** After-contact work when the user's PhoneConfig sets no AfterContactWorkTimeLimit. */
export const DEFAULT_AFTER_CONTACT_WORK_SECONDS = 30;

export interface SimulatedAgent {
  readonly userId: string;
  readonly username: string;
  readonly routingProfileId: string;
  status: AgentStatusName;
  activity: AgentActivity;
  /** When the agent last became idle (epoch ms): the longest idle is offered first. */
  idleSince: number;
  contactId?: string;
  /** When the current talk or after-contact work ends (epoch ms). */
  activityUntil?: number;
  talkSeconds: number;
}

export interface WaitingContact {
  readonly contactId: string;
  readonly queueId: string;
  readonly enqueuedAt: number;
}

export interface AgentView {
  readonly userId: string;
  readonly username: string;
  readonly routingProfileId: string;
  readonly status: AgentStatusName;
  readonly activity: AgentActivity;
  readonly contactId?: string;
  readonly until?: string;
  readonly talkSeconds: number;
}

export class AgentFloor {
  private readonly agents = new Map<string, SimulatedAgent>();

  constructor(
    private readonly directory: {
      users(): readonly StoredUser[];
      routingProfiles(): readonly StoredRoutingProfile[];
    },
  ) {}

  /** The agent of a user (by id or username), created Offline the first time it is asked for. */
  agent(key: string): SimulatedAgent | undefined {
    const user = this.directory.users().find((u) => u.Id === key || u.Username === key);
    if (!user) return undefined;
    let agent = this.agents.get(user.Id);
    if (!agent) {
      agent = {
        userId: user.Id,
        username: user.Username,
        routingProfileId: user.RoutingProfileId,
        status: 'Offline',
        activity: 'idle',
        idleSince: 0,
        talkSeconds: DEFAULT_TALK_SECONDS,
      };
      this.agents.set(user.Id, agent);
    }
    return agent;
  }

  all(): SimulatedAgent[] {
    return this.directory.users().flatMap((u) => this.agent(u.Id) ?? []);
  }

  setStatus(agent: SimulatedAgent, status: AgentStatusName, now: number): void {
    if (agent.status !== status && status === 'Available' && agent.activity === 'idle') agent.idleSince = now;
    agent.status = status;
  }

  /**
   * Which waiting contact each free agent is offered now: agents Available and idle, longest idle first,
   * each from its profile's queues by priority, then the contact waiting longest (past the profile's delay).
   */
  offer(waiting: readonly WaitingContact[], now: number): { agent: SimulatedAgent; contactId: string }[] {
    const taken = new Set<string>();
    const offers: { agent: SimulatedAgent; contactId: string }[] = [];
    const free = this.all()
      .filter((a) => a.status === 'Available' && a.activity === 'idle')
      .sort((a, b) => a.idleSince - b.idleSince);
    const profiles = new Map(this.directory.routingProfiles().map((p) => [p.RoutingProfileId, p]));
    for (const agent of free) {
      const profile = profiles.get(agent.routingProfileId);
      if (!profile) continue;
      const configs = profile.QueueConfigs.filter((c) => c.Channel === 'VOICE').sort(
        (a, b) => a.Priority - b.Priority,
      );
      let chosen: WaitingContact | undefined;
      for (const config of configs) {
        chosen = waiting
          .filter((w) => w.queueId === config.QueueId && !taken.has(w.contactId))
          .filter((w) => now - w.enqueuedAt >= config.Delay * 1000)
          .sort((a, b) => a.enqueuedAt - b.enqueuedAt)[0];
        if (chosen) break;
      }
      if (!chosen) continue;
      taken.add(chosen.contactId);
      offers.push({ agent, contactId: chosen.contactId });
    }
    return offers;
  }

  /** The agent takes the contact: on it for its talk time. */
  connect(agent: SimulatedAgent, contactId: string, now: number): void {
    agent.activity = 'on-contact';
    agent.contactId = contactId;
    agent.activityUntil = now + agent.talkSeconds * 1000;
  }

  /** The contact of an agent ended (either side hung up): after-contact work. */
  contactEnded(contactId: string, now: number): void {
    const agent = this.all().find((a) => a.contactId === contactId);
    if (!agent) return;
    const user = this.directory.users().find((u) => u.Id === agent.userId);
    const acw = user?.PhoneConfig.AfterContactWorkTimeLimit ?? DEFAULT_AFTER_CONTACT_WORK_SECONDS;
    delete agent.contactId;
    if (acw > 0) {
      agent.activity = 'after-contact-work';
      agent.activityUntil = now + acw * 1000;
    } else {
      agent.activity = 'idle';
      agent.idleSince = now;
      delete agent.activityUntil;
    }
  }

  /** Contacts whose agent's talk time is over (the agent hangs up); agents whose after-contact work is done become idle. */
  due(now: number): string[] {
    const hangUps: string[] = [];
    for (const agent of this.agents.values()) {
      if (agent.activityUntil === undefined || agent.activityUntil > now) continue;
      if (agent.activity === 'on-contact' && agent.contactId) hangUps.push(agent.contactId);
      else if (agent.activity === 'after-contact-work') {
        agent.activity = 'idle';
        agent.idleSince = agent.activityUntil;
        delete agent.activityUntil;
      }
    }
    return hangUps;
  }

  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const agent of this.agents.values()) {
      if (agent.activityUntil !== undefined && (next === undefined || agent.activityUntil < next)) {
        next = agent.activityUntil;
      }
    }
    return next;
  }

  /** Whether any agent could ever be offered a contact of this queue (its queue is in their profile). */
  profileIdsFor(queueId: string): Set<string> {
    return new Set(
      this.directory
        .routingProfiles()
        .filter((p) => p.QueueConfigs.some((c) => c.QueueId === queueId))
        .map((p) => p.RoutingProfileId),
    );
  }

  view(agent: SimulatedAgent): AgentView {
    return {
      userId: agent.userId,
      username: agent.username,
      routingProfileId: agent.routingProfileId,
      status: agent.status,
      activity: agent.activity,
      ...(agent.contactId ? { contactId: agent.contactId } : {}),
      ...(agent.activityUntil !== undefined ? { until: new Date(agent.activityUntil).toISOString() } : {}),
      talkSeconds: agent.talkSeconds,
    };
  }
}
