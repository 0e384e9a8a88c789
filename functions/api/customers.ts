import * as z from 'zod';
import { dependencies } from '#shared/adapters/dependencies';
import {
  type ApiRequest,
  type ApiResponse,
  actorFromClaims,
  parseBody,
  parseQuery,
  validate,
} from '#shared/http/api';
import {
  accountParam,
  areaSelectionSchema,
  customerBodySchema,
  customerListQuerySchema,
  importIdParam,
  importQuerySchema,
} from '#shared/http/customer-schemas';
import { HttpError } from '#shared/http/errors';
import { pageQuerySchema } from '#shared/http/schemas';
import { importStatus } from '#shared/use-cases/customer-imports';
import {
  customerAccessLog,
  exportCustomers,
  importCustomers,
  importReportCsv,
  listCustomers,
  previewSelection,
  readCustomer,
  saveCustomer,
} from '#shared/use-cases/customers';
import { routedHandler } from './routed';

/** A customer file may be large (10,000+ rows), but stays well inside Lambda's 6 MB request limit. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const CSV_TYPES =
  /^(text\/csv|text\/plain|application\/csv|application\/octet-stream|application\/vnd\.ms-excel)\b/i;

const account = (request: ApiRequest) => validate(accountParam, request.pathParameters.account, 'path');
const maxBody = () => dependencies().config.maxBodyBytes;

async function importFile(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const query = parseQuery(request, importQuerySchema);
  const contentType = request.headers['content-type'] ?? '';
  if (!CSV_TYPES.test(contentType))
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv', 'content-type');
  const bytes = request.rawBytes;
  if (!bytes || bytes.length === 0) throw new HttpError(400, 'INVALID_INPUT', 'The file is empty', 'file');
  if (bytes.length > MAX_IMPORT_BYTES)
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${MAX_IMPORT_BYTES} bytes`);
  // A text body reached us already decoded; a declared charset only applies to the bytes of a binary upload.
  const charset = request.event.isBase64Encoded ? /charset=([\w-]+)/i.exec(contentType)?.[1] : undefined;
  const result = await importCustomers(
    dependencies(),
    actor,
    { bytes, ...(charset ? { charset } : {}) },
    { dryRun: query.dryRun === 'true' },
  );
  if (result.kind === 'queued') {
    // Every row is checked (the report is complete); the customers are saved after this answer.
    const location = `/api/customers/imports/${result.queued.job.id}`;
    if (query.format === 'csv')
      return {
        statusCode: 202,
        text: importReportCsv(result.queued),
        headers: { 'content-type': 'text/csv; charset=utf-8', location },
      };
    return { statusCode: 202, body: result.queued, headers: { location } };
  }
  if (query.format === 'csv')
    return {
      statusCode: 200,
      text: importReportCsv(result.report),
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    };
  return { statusCode: 200, body: result.report };
}

async function importJob(request: ApiRequest): Promise<ApiResponse> {
  const { id } = validate(z.object({ id: importIdParam }), { id: request.pathParameters.id }, 'path');
  return {
    statusCode: 200,
    body: await importStatus(dependencies(), actorFromClaims(request.event), id),
  };
}

async function list(request: ApiRequest): Promise<ApiResponse> {
  const { limit, cursor, ...search } = parseQuery(request, customerListQuerySchema);
  const page = await listCustomers(
    dependencies(),
    actorFromClaims(request.event),
    { limit, ...(cursor ? { cursor } : {}) },
    search,
  );
  return { statusCode: 200, body: page };
}

async function exportAll(request: ApiRequest): Promise<ApiResponse> {
  const csv = await exportCustomers(dependencies(), actorFromClaims(request.event));
  return {
    statusCode: 200,
    text: csv,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="customers.csv"',
    },
  };
}

async function read(request: ApiRequest): Promise<ApiResponse> {
  return {
    statusCode: 200,
    body: await readCustomer(dependencies(), actorFromClaims(request.event), account(request)),
  };
}

async function save(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  const input = parseBody(request, customerBodySchema, maxBody());
  const { customer, created } = await saveCustomer(dependencies(), actor, account(request), {
    name: input.name,
    phones: input.phones,
    ...(input.email ? { email: input.email.toLowerCase() } : {}),
    address: input.address,
    area: input.area,
    language: input.language,
    noContact: input.noContact,
  });
  return { statusCode: created ? 201 : 200, body: customer };
}

async function preview(request: ApiRequest): Promise<ApiResponse> {
  const selection = parseBody(request, areaSelectionSchema, maxBody());
  return {
    statusCode: 200,
    body: await previewSelection(dependencies(), actorFromClaims(request.event), selection),
  };
}

async function accessLog(request: ApiRequest): Promise<ApiResponse> {
  const query = parseQuery(request, pageQuerySchema);
  const page = await customerAccessLog(dependencies(), actorFromClaims(request.event), {
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { statusCode: 200, body: page };
}

export const handler = routedHandler('CustomersApi', {
  'POST /api/customers/import': importFile,
  'GET /api/customers': list,
  'GET /api/customers/export': exportAll,
  'GET /api/customers/imports/{id}': importJob,
  'GET /api/customers/access-log': accessLog,
  'POST /api/customers/selection-preview': preview,
  'GET /api/customers/{account}': read,
  'PUT /api/customers/{account}': save,
});
