/**
 * Contact events as Amazon Connect publishes them to EventBridge: built from the contact at the moment it
 * changes, kept in the archive at once, and delivered asynchronously (the contact goes on without waiting for
 * the rule's targets), one at a time in the order they happened. A target that throws is logged, as an
 * EventBridge target failure is; the event stays in the archive's history.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '#shared/ports/clock';
import type { CallArchive } from './call-archive';
import type { CallRecord, ContactEvent, ContactEventDetail, ContactEventType } from './contact-model.ts';
import { eventTime } from './contact-model.ts';

export interface ContactEventBusOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly instanceArn: string;
  readonly archive: CallArchive;
  readonly deliver?: (event: ContactEvent) => void | Promise<void>;
  /** Registers work in flight, so the emulator's `whenIdle` waits for deliveries too. */
  readonly track: <T>(promise: Promise<T>) => Promise<T>;
  readonly log: (message: string) => void;
}

export class ContactEventBus {
  private seq: number;
  private delivering: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Events published and not yet handed to their targets (or still with them). */
  get inFlight(): number {
    return this.queued;
  }

  constructor(private readonly options: ContactEventBusOptions) {
    this.seq = options.archive.lastSeq('event');
  }

  /** The event of `record` now, archived at once and queued for delivery. */
  publish(record: CallRecord, eventType: ContactEventType): ContactEvent {
    const { clock, instanceArn } = this.options;
    const queue = record.queue;
    const detail: ContactEventDetail = {
      eventType,
      contactId: record.id,
      initialContactId: record.id,
      channel: 'VOICE',
      instanceArn,
      initiationMethod: record.initiationMethod,
      initiationTimestamp: record.initiatedAt.toISOString(),
      ...(record.connectedAt ? { connectedToSystemTimestamp: record.connectedAt.toISOString() } : {}),
      ...(record.endedAt ? { disconnectTimestamp: record.endedAt.toISOString() } : {}),
      ...(record.disconnectReason ? { disconnectReason: record.disconnectReason } : {}),
      ...(queue
        ? {
            queueInfo: {
              queueArn: queue.ref.arn,
              queueType: 'STANDARD',
              enqueueTimestamp: queue.enqueuedAt.toISOString(),
            },
          }
        : {}),
      ...(record.agent
        ? {
            agentInfo: {
              agentArn: record.agent.arn,
              connectedToAgentTimestamp: record.agent.connectedAt.toISOString(),
            },
          }
        : {}),
      tags: {},
    };
    const event: ContactEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: this.options.accountId,
      time: eventTime(clock.now()),
      region: this.options.region,
      resources: [`${instanceArn}/contact/${record.id}`, instanceArn],
      detail,
    };
    this.options.archive.append('event', ++this.seq, event);
    const deliver = this.options.deliver;
    if (deliver) {
      this.queued += 1;
      this.delivering = this.options.track(
        this.delivering.then(async () => {
          // Not in the caller's turn: the contact's own work (a hang-up's answer) goes first.
          await new Promise<void>((resolve) => setImmediate(resolve));
          try {
            await deliver(event);
          } catch (error) {
            this.options.log(`contact event ${eventType} ${record.id} not delivered: ${String(error)}`);
          } finally {
            this.queued -= 1;
          }
        }),
      );
    }
    return event;
  }
}
