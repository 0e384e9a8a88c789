import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BatchWriteCommand, PutCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { buildPortal, portalIsStale } from '#local/portal';
import { REPO_ROOT, startLocalRuntime } from '#local/runtime';
import { createDocumentClient } from '#shared/adapters/dependencies';
import { eventItem, ticketItem } from '#shared/adapters/dynamo-ticket-store';
import { loadConfig } from '#shared/config';
import {
  buildReport,
  type Counters,
  counterDeltas,
  countersFromTickets,
  mergeCounters,
  periodKey,
  periodKeys,
  type ReportPeriod,
} from '#shared/domain/reports';
import { severities } from '#shared/domain/severity';
import { applyAction, channels, registerTicket, type Ticket, type TicketEvent } from '#shared/domain/ticket';
import { type BenchRow, ms, percentile, runConcurrently } from '../stats';

const COMPLAINTS = Number(process.env.BENCH_REPORT_COMPLAINTS ?? 100_000);
const REPORT_ROUNDS = 20;
// One scan of 100,000 complaints from DynamoDB Local takes minutes: one round is the baseline.
const SCAN_ROUNDS = Number(process.env.BENCH_REPORT_SCAN_ROUNDS ?? 1);
const FIRST_LOAD_BUDGET = 300 * 1024;

/** A year of complaints run through the real domain rules: registered, most dispatched, contacted, resolved. */
function* generateYear(year: number, count: number, policy: ReturnType<typeof loadConfig>['deadlinePolicy']) {
  const agent = { kind: 'staff', username: 'bench', roles: ['agent'] } as const;
  const supervisor = { kind: 'staff', username: 'boss', roles: ['supervisor'] } as const;
  const start = Date.UTC(year, 0, 2);
  const span = Date.UTC(year, 11, 28) - start;
  const categories = ['supply_interruption', 'water_quality', 'gas_smell', 'billing', 'metering', 'other'];
  const departments = ['network', 'metering', 'billing', 'field_service'];
  for (let i = 0; i < count; i++) {
    const at = (minutes: number) =>
      new Date(start + Math.floor((span * i) / count) + minutes * 60_000).toISOString();
    const saved: { ticket: Ticket; event: TicketEvent }[] = [];
    let { ticket, event } = registerTicket(
      {
        severity: severities[i % severities.length] as (typeof severities)[number],
        channel: channels[i % channels.length] as (typeof channels)[number],
        category: categories[i % categories.length] as string,
        description: 'Generated complaint for the report benchmark',
        customer: {
          name: 'Bench Customer',
          phone: `+1555${String(1_000_000 + i).slice(-7)}`,
          address: '1 Main St',
        },
      },
      { number: String(10_000_000 + i), actor: agent, now: at(0), policy },
    );
    // Each write as the store saves it: the ticket as it is then, and its event.
    const save = () => saved.push({ ticket, event });
    save();
    const step = (action: Parameters<typeof applyAction>[1], minutes: number, actor = agent as never) => {
      ({ ticket, event } = applyAction(ticket, action, { actor, now: at(minutes), policy }));
      save();
    };
    if (i % 10 !== 0)
      step({ type: 'dispatch', department: departments[i % departments.length] as string }, 4);
    if (i % 10 !== 0) step({ type: 'recordContact', outcome: 'reached' }, 5 + (i % 40));
    if (i % 5 !== 0 && i % 10 !== 0)
      step({ type: 'resolve', resolution: 'Fixed', customerAgreement: 'OK' }, 200 + (i % 2000));
    if (i % 50 === 1) step({ type: 'reopen', reason: 'Not satisfied' }, 3000, supervisor as never);
    yield { ticket, saved };
  }
}

async function scanTickets(
  client: ReturnType<typeof createDocumentClient>,
  table: string,
): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'entity = :t',
        ExpressionAttributeValues: { ':t': 'ticket' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) tickets.push(item.ticket as Ticket);
    start = out.LastEvaluatedKey;
  } while (start);
  return tickets;
}

/** First-load JavaScript of the portal: the entry script and what it preloads, gzip-compressed. */
async function portalFirstLoad(): Promise<BenchRow> {
  if (portalIsStale(REPO_ROOT)) await buildPortal(REPO_ROOT, (line) => process.stderr.write(`${line}\n`));
  const dist = join(REPO_ROOT, 'web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g),
  ].map((m) => m[1] as string);
  const bytes = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(dist, src))).length, 0);
  return {
    benchmark: 'portal first load',
    metric: `gzip JS (${scripts.length} chunk${scripts.length === 1 ? '' : 's'})`,
    value: `${(bytes / 1024).toFixed(1)} KB`,
    target: '< 300 KB',
    pass: bytes < FIRST_LOAD_BUDGET && scripts.length > 0,
  };
}

/**
 * The yearly management report from write-time counters (through the gateway, as a client asks
 * for it) against computing the same report by scanning every complaint, on one DynamoDB Local.
 */
export async function reportsBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [await portalFirstLoad()];
  // A year of complaints written straight into the table: the deadline sweep must not start handling them.
  const runtime = await startLocalRuntime({ port: 0, periodicSweep: false });
  try {
    const config = loadConfig(process.env);
    const client = createDocumentClient(config);
    const table = runtime.tableName;
    const year = 2025;
    const timeZone = config.deskTimeZone;

    // Load the year: ticket items in batches; the counters the store's hook keeps, summed per bucket.
    const buckets = new Map<string, Counters>();
    const batch: Record<string, unknown>[] = [];
    const pending: Record<string, unknown>[][] = [];
    let seq = 0;
    for (const { ticket, saved } of generateYear(year, COMPLAINTS, config.deadlinePolicy)) {
      batch.push(ticketItem(ticket));
      if (seq % 10 === 0) batch.push(eventItem((saved[0] as { event: TicketEvent }).event, `b${seq}`));
      seq++;
      for (const write of saved) {
        const deltas = counterDeltas(write.ticket, [write.event]);
        const keys = periodKeys(write.event.at, timeZone);
        for (const period of ['week', 'month', 'year'] as ReportPeriod[]) {
          const bucket = `${period}#${keys[period]}`;
          const counters = buckets.get(bucket) ?? {};
          buckets.set(bucket, mergeCounters(counters, deltas));
        }
      }
      if (batch.length >= 25) pending.push(batch.splice(0, 25));
    }
    if (batch.length) pending.push(batch.splice(0));
    const loadStarted = performance.now();
    await runConcurrently(pending.length, 8, async (i) => {
      let items = (pending[i] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (items.length) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
        items = (out.UnprocessedItems?.[table] ?? []) as typeof items;
      }
    });
    for (const [bucket, counters] of buckets) {
      const [period, key] = bucket.split('#') as [string, string];
      await client.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `REPORT#${period}#${key}`, sk: 'COUNTERS', entity: 'report', ...counters },
        }),
      );
    }
    process.stderr.write(
      `reports: loaded ${COMPLAINTS} complaints in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s\n`,
    );

    const token = await runtime.token('bench-boss', ['supervisor']);
    const at = `${year}-07-01`;
    const viaCounters = async () => {
      const res = await fetch(`${runtime.url}/api/reports?period=year&at=${at}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`report failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as ReturnType<typeof buildReport>;
    };
    const key = periodKey('year', `${at}T12:00:00Z`, timeZone);
    const viaScan = async () =>
      buildReport(
        'year',
        key,
        timeZone,
        countersFromTickets(await scanTickets(client, table), 'year', key, timeZone),
        config.deadlinePolicy,
      );

    // Both must give the same figures before their speed means anything.
    const [fast, slow] = [await viaCounters(), await viaScan()];
    // (A scan sees only final states: a reopened complaint no longer counts as resolved there.)
    const sorted = (o: Record<string, number>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
    const figures = (r: typeof fast) =>
      JSON.stringify([r.registered, sorted(r.byCategory), sorted(r.byChannel), sorted(r.bySeverity)]);
    const same = fast.registered === COMPLAINTS && figures(fast) === figures(slow);
    if (!same) process.stderr.write(`reports: counters ${figures(fast)} != scan ${figures(slow)}\n`);

    const counterTimes: number[] = [];
    const scanTimes: number[] = [];
    for (let round = 0; round < SCAN_ROUNDS; round++) {
      for (let i = 0; i < REPORT_ROUNDS / SCAN_ROUNDS; i++) {
        const t0 = performance.now();
        await viaCounters();
        counterTimes.push(performance.now() - t0);
      }
      const t0 = performance.now();
      await viaScan();
      scanTimes.push(performance.now() - t0);
    }
    const c50 = percentile(counterTimes, 50);
    const s50 = percentile(scanTimes, 50);
    const name = `yearly report, ${COMPLAINTS.toLocaleString('en')} complaints`;
    rows.push(
      {
        benchmark: name,
        metric: 'same volumes from counters and from scan',
        value: same ? 'yes' : 'NO',
        target: 'yes',
        pass: same,
      },
      {
        benchmark: name,
        metric: 'from write-time counters via API p50',
        value: ms(c50),
        target: '',
        pass: undefined,
      },
      {
        benchmark: name,
        metric: 'by scanning every complaint p50',
        value: ms(s50),
        target: '',
        pass: undefined,
      },
      {
        benchmark: name,
        metric: 'counters / scan',
        value: `${((c50 / s50) * 100).toFixed(2)} %`,
        target: '< 10 %',
        pass: c50 / s50 < 0.1,
      },
    );
    return rows;
  } finally {
    await runtime.stop();
  }
}
