import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type Counters, counterDeltas, periodKeys, type ReportPeriod } from '#shared/domain/reports';
import type { DeadlinePolicy } from '#shared/domain/severity';
import type { Ticket, TicketEvent } from '#shared/domain/ticket';

/** The desk's default time zone (config DESK_TIME_ZONE's default): report buckets follow its calendar. */
export const DEFAULT_REPORT_TIME_ZONE = 'America/New_York';

const reportKey = (period: ReportPeriod, key: string) => ({ pk: `REPORT#${period}#${key}`, sk: 'COUNTERS' });
const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);

type TransactUpdate = {
  Update: {
    TableName: string;
    Key: Record<string, string>;
    UpdateExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
};

/**
 * The report counter updates that belong in the same transaction as a ticket write: one ADD per
 * period bucket (week, month, year) of each event's time. Nothing when the write counts nothing.
 */
export function reportCounterWrites(
  tableName: string,
  ticket: Ticket,
  events: readonly TicketEvent[],
  timeZone: string = DEFAULT_REPORT_TIME_ZONE,
  /** Prices a breach without a `deadline_breached` event (met late before its timer fired); default policy. */
  policy?: DeadlinePolicy,
): TransactUpdate[] {
  const deltas = counterDeltas(ticket, events, policy);
  if (Object.keys(deltas).length === 0) return [];
  // Attribute every counter of this write to the time of its last event (they are saved together).
  const at = events.reduce((latest, e) => (e.at > latest ? e.at : latest), events[0]?.at ?? ticket.updatedAt);
  const keys = periodKeys(at, timeZone);
  const names: Record<string, string> = { '#entity': 'entity' };
  const values: Record<string, unknown> = { ':entity': 'report' };
  const adds = Object.entries(deltas).map(([name, value], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
    return `#c${i} :c${i}`;
  });
  const expression = `SET #entity = :entity ADD ${adds.join(', ')}`;
  return (Object.entries(keys) as [ReportPeriod, string][]).map(([period, key]) => ({
    Update: {
      TableName: tableName,
      Key: reportKey(period, key),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  }));
}

/** Reads the counters of report buckets: one small item each, never a scan of the tickets. */
export class DynamoReportStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async counters(period: ReportPeriod, key: string): Promise<Counters> {
    const [counters] = await this.manyCounters(period, [key]);
    return counters ?? {};
  }

  /** Counters of several buckets of one period (e.g. the weeks of a year for a trend), in order. */
  async manyCounters(period: ReportPeriod, keys: readonly string[]): Promise<Counters[]> {
    const found = new Map<string, Counters>();
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, string>[] }> | undefined = {
        [this.options.tableName]: { Keys: keys.slice(i, i + 100).map((k) => reportKey(period, k)) },
      };
      for (let round = 0; request && round < 10; round++) {
        const out: BatchGetCommandOutput = await this.options.client.send(
          new BatchGetCommand({ RequestItems: request }),
        );
        for (const item of out.Responses?.[this.options.tableName] ?? []) {
          const counters: Counters = {};
          for (const [name, value] of Object.entries(item)) {
            if (!KEY_ATTRIBUTES.has(name) && typeof value === 'number') counters[name] = value;
          }
          found.set(String(item.pk), counters);
        }
        const unprocessed: { Keys?: Record<string, unknown>[] } | undefined =
          out.UnprocessedKeys?.[this.options.tableName];
        request = unprocessed?.Keys?.length
          ? { [this.options.tableName]: { Keys: unprocessed.Keys as Record<string, string>[] } }
          : undefined;
      }
    }
    return keys.map((k) => found.get(reportKey(period, k).pk) ?? {});
  }
}
