import { dependencies } from '#shared/adapters/dependencies';
import { DynamoReportStore } from '#shared/adapters/dynamo-report-store';
import { accountabilityReport, accountabilityToCsv, reportToCsv } from '#shared/domain/reports';
import type { Actor } from '#shared/domain/ticket';
import { type ApiRequest, type ApiResponse, actorFromClaims, parseQuery } from '#shared/http/api';
import { managementReportQuerySchema } from '#shared/http/report-schemas';
import { pageQuerySchema, ticketIdParam } from '#shared/http/schemas';
import { personalDataReads } from '#shared/use-cases/access-log';
import { auditEventTypes, auditTrail, managementReport } from '#shared/use-cases/reports';
import { routedHandler } from './routed';

/** Kept under its old name for importers; the schema lives in shared/http/report-schemas.ts. */
export const reportQuerySchema = managementReportQuerySchema;

const auditQuerySchema = pageQuerySchema.extend({ ticket: ticketIdParam.optional() });

let reportStore: DynamoReportStore | undefined;
function reports(): DynamoReportStore {
  const deps = dependencies();
  reportStore ??= new DynamoReportStore({ client: deps.documentClient, tableName: deps.config.tableName });
  return reportStore;
}

/** The management report the query asks for, and the format it wants. */
async function requestedReport(request: ApiRequest) {
  const actor = actorFromClaims(request.event);
  const query = parseQuery(request, reportQuerySchema);
  // A bare date means noon of that day, so the desk's time zone cannot move it to the day before.
  const at = query.at && query.at.length === 10 ? `${query.at}T12:00:00Z` : query.at;
  const deps = dependencies();
  const result = await managementReport(
    { config: deps.config, clock: deps.clock, reports: reports() },
    actor,
    {
      period: query.period,
      ...(at ? { at } : {}),
    },
  );
  return { format: query.format, result };
}

/** JSON, or a CSV download named `<name>-<period>-<key>.csv`. */
function reportResponse(
  format: string | undefined,
  name: string,
  result: { readonly period: string; readonly key: string },
  toCsv: () => string,
): ApiResponse {
  if (format === 'csv') {
    return {
      statusCode: 200,
      text: toCsv(),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-${result.period}-${result.key}.csv"`,
      },
    };
  }
  return { statusCode: 200, body: result };
}

async function report(request: ApiRequest): Promise<ApiResponse> {
  const { format, result } = await requestedReport(request);
  return reportResponse(format, 'complaints', result, () => reportToCsv(result));
}

/** Who missed deadlines: breaches and points per department and per owner for a period (JSON or CSV). */
async function accountability(request: ApiRequest): Promise<ApiResponse> {
  const { format, result: management } = await requestedReport(request);
  const result = accountabilityReport(management);
  return reportResponse(format, 'accountability', result, () => accountabilityToCsv(result));
}

/** With ?ticket=, one complaint's audit trail; without, the access log of every read of personal data. */
async function audit(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const { ticket, limit, cursor } = parseQuery(request, auditQuerySchema);
  if (ticket === undefined) return accessLog(actor, { limit, ...(cursor ? { cursor } : {}) });
  const events = await auditTrail(dependencies(), actor, ticket);
  return { statusCode: 200, body: { ticket, auditTypes: auditEventTypes, items: events } };
}

/** Every read of personal data through the API, newest first (admin). */
async function accessLog(actor: Actor, page: { limit: number; cursor?: string }): Promise<ApiResponse> {
  const reads = await personalDataReads(dependencies(), actor, page);
  return { statusCode: 200, body: { items: reads.items, nextCursor: reads.nextCursor ?? null } };
}

export const handler = routedHandler('ReportsApi', {
  'GET /api/reports': report,
  'GET /api/reports/accountability': accountability,
  'GET /api/audit': audit,
});
