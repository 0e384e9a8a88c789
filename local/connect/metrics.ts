/**
 * GetCurrentMetricData as the emulator answers it: per queue (or over the queues named), the contacts
 * waiting and the oldest one's age, and the simulated agents of the routing profiles holding those queues.
 */
import type { AgentFloor } from './agents.ts';
import { ConnectApiError } from './api-error.ts';
import { isRecord } from './contact-model.ts';
import type { ControlPlane, StoredQueue } from './control-plane.ts';

export interface MetricState {
  readonly control: ControlPlane;
  readonly floor: AgentFloor;
  /** Contacts waiting in a queue now. */
  readonly waiting: readonly { readonly queueId: string; readonly enqueuedAt: number }[];
  readonly now: number;
}

export const QUEUE_METRICS = ['CONTACTS_IN_QUEUE', 'OLDEST_CONTACT_AGE', 'CONTACTS_SCHEDULED'] as const;
export const AGENT_METRICS = [
  'AGENTS_ONLINE',
  'AGENTS_AVAILABLE',
  'AGENTS_ON_CALL',
  'AGENTS_ON_CONTACT',
  'AGENTS_AFTER_CONTACT_WORK',
  'AGENTS_STAFFED',
  'SLOTS_ACTIVE',
  'SLOTS_AVAILABLE',
] as const;

/** GetCurrentMetricData for queues: contacts waiting, their age, and the agents whose profiles hold them. */
export function currentMetrics(input: unknown, state: MetricState) {
  const { control, floor, now } = state;
  const body = isRecord(input) ? input : {};
  const filters = isRecord(body.Filters) ? body.Filters : undefined;
  const queueKeys = Array.isArray(filters?.Queues) ? filters.Queues.map(String) : [];
  if (queueKeys.length === 0 || queueKeys.length > 100) {
    throw new ConnectApiError('InvalidParameterException', 400, 'Filters.Queues must name 1 to 100 queues');
  }
  const queues = queueKeys.map((key) => {
    const queue = control.findQueue(key);
    if (!queue || key === queue.Name) {
      throw new ConnectApiError('InvalidParameterException', 400, `Filters.Queues: no queue ${key}`);
    }
    return queue;
  });
  const requested = Array.isArray(body.CurrentMetrics) ? body.CurrentMetrics : [];
  if (requested.length === 0) {
    throw new ConnectApiError('InvalidParameterException', 400, 'CurrentMetrics is required');
  }
  const wanted = requested.map((m, i) => {
    const name = isRecord(m) ? String(m.Name) : '';
    if (![...QUEUE_METRICS, ...AGENT_METRICS].includes(name as never)) {
      throw new ConnectApiError(
        'InvalidParameterException',
        400,
        `CurrentMetrics[${i}]: ${name} is not supported`,
      );
    }
    return { Name: name, Unit: name === 'OLDEST_CONTACT_AGE' ? 'SECONDS' : 'COUNT' };
  });
  const groupings = Array.isArray(body.Groupings) ? body.Groupings.map(String) : [];
  const byQueue = groupings.includes('QUEUE');
  const measure = (group: readonly StoredQueue[]) => {
    const ids = new Set(group.map((q) => q.QueueId));
    const waiting = state.waiting.filter((w) => ids.has(w.queueId));
    const profiles = new Set(group.flatMap((q) => [...floor.profileIdsFor(q.QueueId)]));
    const agents = floor.all().filter((a) => profiles.has(a.routingProfileId));
    const online = agents.filter((a) => a.status !== 'Offline' || a.activity !== 'idle');
    const value = (name: string): number => {
      switch (name) {
        case 'CONTACTS_IN_QUEUE':
          return waiting.length;
        case 'OLDEST_CONTACT_AGE':
          return Math.max(0, ...waiting.map((w) => Math.floor((now - w.enqueuedAt) / 1000)));
        case 'CONTACTS_SCHEDULED':
          return 0;
        case 'AGENTS_AVAILABLE':
        case 'SLOTS_AVAILABLE':
          return agents.filter((a) => a.status === 'Available' && a.activity === 'idle').length;
        case 'AGENTS_ON_CALL':
        case 'AGENTS_ON_CONTACT':
          return agents.filter((a) => a.activity === 'on-contact').length;
        case 'AGENTS_AFTER_CONTACT_WORK':
          return agents.filter((a) => a.activity === 'after-contact-work').length;
        default:
          // AGENTS_ONLINE, AGENTS_STAFFED, SLOTS_ACTIVE
          return online.length;
      }
    };
    return wanted.map((metric) => ({ Metric: metric, Value: value(metric.Name) }));
  };
  const MetricResults = byQueue
    ? queues.map((q) => ({
        Dimensions: { Queue: { Id: q.QueueId, Arn: q.QueueArn }, Channel: 'VOICE' },
        Collections: measure([q]),
      }))
    : [{ Dimensions: {}, Collections: measure(queues) }];
  return { MetricResults, DataSnapshotTime: now / 1000, ApproximateTotalCount: MetricResults.length };
}
