/**
 * The contact centre the hotline flows route to: queues and the desk's hours of operation,
 * as plain data read by both the CDK app (AWS::Connect::Queue / HoursOfOperation) and the
 * local Connect emulator (local/hotline.ts). Names here are the ids flows refer to.
 */

export const queueNames = ['general', 'emergency', 'blocked'] as const;
export type QueueName = (typeof queueNames)[number];

export const hoursNames = ['desk', 'always'] as const;
export type HoursName = (typeof hoursNames)[number];

export type Weekday = 'SUNDAY' | 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY';

export interface OpeningTimes {
  readonly day: Weekday;
  /** `HH:MM`, 24-hour, in the hours' time zone. */
  readonly start: string;
  /** `HH:MM`; `24:00` is midnight at the end of the day. */
  readonly end: string;
}

export interface HoursOfOperationData {
  /** Connect resource name. */
  readonly name: string;
  readonly description: string;
  /** IANA time zone (Connect takes the same names). */
  readonly timeZone: string;
  readonly weekly: readonly OpeningTimes[];
}

export interface QueueData {
  /** Connect resource name. */
  readonly name: string;
  readonly description: string;
  readonly hours: HoursName;
  /** Contacts waiting at once before a transfer takes QueueAtCapacity (Connect `MaxContacts`). */
  readonly maxContacts: number;
}

const WORKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const EVERY_DAY: readonly Weekday[] = [...WORKDAYS, 'SATURDAY', 'SUNDAY'];

/** The desk's time zone; the same default as DESK_TIME_ZONE in shared/config.ts. */
export const DESK_TIME_ZONE = 'America/New_York';

export const hoursOfOperation: Readonly<Record<HoursName, HoursOfOperationData>> = {
  desk: {
    name: 'complaint-desk',
    description: 'Agents of the complaint desk: weekdays 08:00-18:00, Saturday 09:00-13:00',
    timeZone: DESK_TIME_ZONE,
    weekly: [
      ...WORKDAYS.map((day) => ({ day, start: '08:00', end: '18:00' })),
      { day: 'SATURDAY', start: '09:00', end: '13:00' },
    ],
  },
  always: {
    name: 'around-the-clock',
    description: 'Emergency desk and block-list review: every day, all day',
    timeZone: DESK_TIME_ZONE,
    weekly: EVERY_DAY.map((day) => ({ day, start: '00:00', end: '24:00' })),
  },
};

export const queues: Readonly<Record<QueueName, QueueData>> = {
  general: {
    name: 'complaints-general',
    description: 'Callers who asked for an agent during desk hours',
    hours: 'desk',
    maxContacts: 25,
  },
  emergency: {
    name: 'complaints-emergency',
    description: 'Emergencies (gas smell, outage, danger): answered around the clock',
    hours: 'always',
    maxContacts: 10,
  },
  blocked: {
    name: 'complaints-blocked',
    description: 'Callers on the block list, kept apart from the other queues for a supervisor',
    hours: 'always',
    maxContacts: 5,
  },
};

export const routingProfileNames = ['agents', 'supervisors'] as const;
export type RoutingProfileName = (typeof routingProfileNames)[number];

export interface RoutingProfileData {
  readonly name: string;
  readonly description: string;
  /** The queues an agent of this profile is offered calls from, first the lowest priority number. */
  readonly queues: readonly { readonly queue: QueueName; readonly priority: number }[];
  /** Where the agent's own outbound calls are counted. */
  readonly outboundQueue: QueueName;
}

/**
 * A queued call reaches an agent only through a routing profile that contains its queue, as in Connect.
 * Agents take emergencies first, then the general queue; supervisors also take the block-listed callers.
 */
export const routingProfiles: Readonly<Record<RoutingProfileName, RoutingProfileData>> = {
  agents: {
    name: 'complaints-agents',
    description: 'Complaint desk agents: emergencies first, then callers who asked for an agent',
    queues: [
      { queue: 'emergency', priority: 1 },
      { queue: 'general', priority: 2 },
    ],
    outboundQueue: 'general',
  },
  supervisors: {
    name: 'complaints-supervisors',
    description: 'Supervisors: as agents, and the callers on the block list',
    queues: [
      { queue: 'emergency', priority: 1 },
      { queue: 'general', priority: 2 },
      { queue: 'blocked', priority: 3 },
    ],
    outboundQueue: 'general',
  },
};

/** One opening in the shape of `AWS::Connect::HoursOfOperation` `Config` (24:00 written as 00:00). */
export interface ConnectHoursConfig {
  readonly day: Weekday;
  readonly startTime: { readonly hours: number; readonly minutes: number };
  readonly endTime: { readonly hours: number; readonly minutes: number };
}

function connectTime(time: string): { hours: number; minutes: number } {
  const [hours, minutes] = time.split(':').map(Number);
  return { hours: (hours ?? 0) % 24, minutes: minutes ?? 0 };
}

/** The weekly openings as CloudFormation takes them. */
export function connectHoursConfig(hours: HoursOfOperationData): ConnectHoursConfig[] {
  return hours.weekly.map((o) => ({
    day: o.day,
    startTime: connectTime(o.start),
    endTime: connectTime(o.end),
  }));
}
