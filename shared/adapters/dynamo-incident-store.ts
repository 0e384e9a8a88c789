import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Incident, IncidentLink } from '#shared/domain/incident';
import type { TicketEvent } from '#shared/domain/ticket';
import type { IncidentEvent, IncidentStore } from '#shared/ports/incident-store';
import { eventItem } from './dynamo-ticket-store';
import { cancellationCodes, isConditionFailed } from './dynamo-transactions';
import { deskEventMark } from './event-items';

const partition = (id: string) => `INCIDENT#${id}`;
const incidentKey = (id: string) => ({ pk: partition(id), sk: 'INCIDENT' });
const linkKey = (id: string, ticketId: string) => ({ pk: partition(id), sk: `COMPLAINT#${ticketId}` });
/** Open incidents sit under one key of gsi1, so the hotline finds them with one small query. */
const byState = (state: Incident['state']) => `INCIDENTS#${state.toUpperCase()}`;

const IF_NEW = { ConditionExpression: 'attribute_not_exists(pk)' } as const;
const ifVersion = (version: number) => ({
  ConditionExpression: 'version = :v',
  ExpressionAttributeValues: { ':v': version },
});

/**
 * An incident event's item. A notice's progress and its end have keys of their own (update, position), so a
 * slice that runs again after a crash writes them once; the others are unique per write.
 */
export function incidentEventItem(event: IncidentEvent): Record<string, unknown> {
  const job = `EVENT#NOTICE#${String(event.data.update ?? '').padStart(6, '0')}#${String(event.data.request)}`;
  const sk =
    event.type === 'complainants_notice_progressed'
      ? `${job}#AFTER#${String(event.data.after)}`
      : event.type === 'complainants_notified'
        ? `${job}#DONE`
        : `EVENT#${event.at}#${randomUUID()}`;
  return { pk: partition(event.incidentId), sk, ...deskEventMark(`incident.${event.type}`), event };
}

function linkItem(link: IncidentLink) {
  return { ...linkKey(link.incidentId, link.ticketId), entity: 'incident-link', version: link.version, link };
}

/**
 * An incident, its linked complaints and its events share one partition (`INCIDENT#<id>`); the incident
 * item is also in gsi1 under its state, so "which incidents are open" is one query.
 */
export class DynamoIncidentStore implements IncidentStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  private get client() {
    return this.options.client;
  }

  private get table() {
    return this.options.tableName;
  }

  private incidentItem(incident: Incident) {
    return {
      ...incidentKey(incident.id),
      entity: 'incident',
      version: incident.version,
      incident,
      gsi1pk: byState(incident.state),
      gsi1sk: `${incident.openedAt}#${incident.id}`,
    };
  }

  create(incident: Incident): Promise<boolean> {
    return this.conditionally(
      this.client.send(
        new PutCommand({ TableName: this.table, Item: this.incidentItem(incident), ...IF_NEW }),
      ),
    );
  }

  async get(id: string): Promise<Incident | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: incidentKey(id), ConsistentRead: true }),
    );
    return res.Item?.incident as Incident | undefined;
  }

  save(incident: Incident, expectedVersion: number): Promise<boolean> {
    return this.conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: this.incidentItem(incident),
          ...ifVersion(expectedVersion),
        }),
      ),
    );
  }

  /** A write under a condition: false when the condition did not hold (someone else was first). */
  private async conditionally(write: Promise<unknown>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({ TableName: this.table, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async byState(state: Incident['state'], limit?: number): Promise<Incident[]> {
    const res = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': byState(state) },
        ScanIndexForward: false,
        ...(limit ? { Limit: limit } : {}),
      }),
    );
    return (res.Items ?? []).map((item) => item.incident as Incident);
  }

  open(): Promise<Incident[]> {
    return this.byState('open', 100);
  }

  async list(limit: number): Promise<Incident[]> {
    const [open, closed] = await Promise.all([this.byState('open', limit), this.byState('closed', limit)]);
    return [...open, ...closed]
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.id.localeCompare(a.id))
      .slice(0, limit);
  }

  link(link: IncidentLink): Promise<boolean> {
    return this.conditionally(
      this.client.send(new PutCommand({ TableName: this.table, Item: linkItem(link), ...IF_NEW })),
    );
  }

  async getLink(incidentId: string, ticketId: string): Promise<IncidentLink | undefined> {
    const res = await this.client.send(
      new GetCommand({ TableName: this.table, Key: linkKey(incidentId, ticketId), ConsistentRead: true }),
    );
    return res.Item?.link as IncidentLink | undefined;
  }

  saveLink(link: IncidentLink, expectedVersion: number): Promise<boolean> {
    return this.conditionally(
      this.client.send(
        new PutCommand({ TableName: this.table, Item: linkItem(link), ...ifVersion(expectedVersion) }),
      ),
    );
  }

  async saveLinkNotified(
    link: IncidentLink,
    expectedVersion: number,
    ticketEvent: TicketEvent,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: linkItem(link), ...ifVersion(expectedVersion) } },
            {
              Put: {
                TableName: this.table,
                Item: eventItem(ticketEvent, `n${link.incidentId}-${randomUUID().slice(0, 8)}`),
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  unlink(incidentId: string, ticketId: string): Promise<boolean> {
    return this.conditionally(
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: linkKey(incidentId, ticketId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async links(incidentId: string): Promise<IncidentLink[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': partition(incidentId), ':s': 'COMPLAINT#' },
      ConsistentRead: true,
    });
    return items.map((item) => item.link as IncidentLink);
  }

  async appendEvent(event: IncidentEvent): Promise<void> {
    const keyed = event.type === 'complainants_notice_progressed' || event.type === 'complainants_notified';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: incidentEventItem(event),
          ...(keyed ? IF_NEW : {}),
        }),
      );
    } catch (error) {
      // The slice ran before (a retry after a crash): its event is there already.
      if (!(keyed && isConditionFailed(error))) throw error;
    }
  }

  async events(incidentId: string): Promise<IncidentEvent[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': partition(incidentId), ':s': 'EVENT#' },
      ConsistentRead: true,
    });
    return items.map((item) => item.event as IncidentEvent);
  }
}
