import * as z from 'zod';
import { type RouteKey, routes } from '#functions/catalog';
import { answerPromiseSchema } from '#shared/http/answer-promise-schemas';
import { blockBodySchema, blockListQuerySchema } from '#shared/http/block-list-schemas';
import { newBroadcastSchema } from '#shared/http/broadcast-schemas';
import { callbackRequestSchema, callJobListQuerySchema } from '#shared/http/callback-schemas';
import { customerListQuerySchema } from '#shared/http/customer-schemas';
import {
  cancelBroadcastSchema,
  closeIncidentSchema,
  incidentUpdateSchema,
  linkComplaintSchema,
  listIncidentsQuerySchema,
  notifySchema,
} from '#shared/http/incident-schemas';
import {
  proposeRemedySchema,
  remedyActionDoneSchema,
  remedyAnswerSchema,
  remedyDecisionSchema,
  remedyOfferSchema,
} from '#shared/http/remedy-schemas';
import { managementReportQuerySchema, recipientBodySchema } from '#shared/http/report-schemas';
import {
  assignSchema,
  closeSchema,
  contactSchema,
  departmentResultSchema,
  dispatchSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  listTicketsQuerySchema,
  pageQuerySchema,
  progressSchema,
  publicStatusQuerySchema,
  registerComplaintSchema,
  reopenSchema,
  resolveSchema,
  reviewSchema,
} from '#shared/http/schemas';

interface RouteDoc {
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** The change is based on a version sent in If-Match. */
  readonly versioned?: boolean;
  readonly idempotent?: boolean;
  /** Success statuses the handler answers, with what each means (else a plain 200). */
  readonly success?: Readonly<Record<string, string>>;
  /** Error statuses beyond the usual ones (400, 401/403, 404, 500; 409/428 of a versioned change). */
  readonly errors?: readonly string[];
  /** The body may be left out. */
  readonly optionalBody?: boolean;
  /** Answers are HTML pages (errors too), not JSON: a page a customer opens outside /api. */
  readonly html?: boolean;
  /** A form-encoded body (`application/x-www-form-urlencoded`). */
  readonly form?: z.ZodType;
}

/** Request schemas per route; the same objects the handlers validate with. */
const docs: Partial<Record<RouteKey, RouteDoc>> = {
  'POST /api/tickets': { body: registerComplaintSchema, idempotent: true },
  'GET /api/tickets': { query: listTicketsQuerySchema },
  'GET /api/tickets/{id}/events': { query: pageQuerySchema },
  'POST /api/tickets/{id}/dispatch': { body: dispatchSchema, versioned: true },
  'POST /api/tickets/{id}/contacts': { body: contactSchema, versioned: true },
  'POST /api/tickets/{id}/progress': { body: progressSchema, versioned: true },
  'POST /api/tickets/{id}/department-result': { body: departmentResultSchema, versioned: true },
  'POST /api/tickets/{id}/resolve': { body: resolveSchema, versioned: true },
  'POST /api/tickets/{id}/reopen': { body: reopenSchema, versioned: true },
  'POST /api/tickets/{id}/review': { body: reviewSchema, versioned: true },
  'POST /api/tickets/{id}/close': { body: closeSchema, versioned: true },
  'GET /survey/{token}': {
    html: true,
    success: { 200: 'The survey page (HTML): complaint number and category, a 1-5 choice' },
    errors: ['409'],
  },
  'POST /survey/{token}': {
    html: true,
    form: z.strictObject({ rating: z.enum(['1', '2', '3', '4', '5']) }),
    success: { 200: 'Thank-you page (HTML); a low rating reopens the complaint for review' },
    errors: ['409', '415'],
  },
  'POST /api/tickets/{id}/extensions': { body: extensionRequestSchema, versioned: true },
  'POST /api/tickets/{id}/extensions/{extensionId}/decision': {
    body: extensionDecisionSchema,
    versioned: true,
  },
  'POST /api/tickets/{id}/assign': { body: assignSchema, versioned: true },
  // 429 with Retry-After: too many wrong phone digits for this complaint (counted per complaint)
  'GET /api/status/{number}': { query: publicStatusQuerySchema, errors: ['429'] },
  'POST /api/broadcasts': { body: newBroadcastSchema },
  'POST /api/broadcasts/{id}/cancel': { body: cancelBroadcastSchema },
  'GET /api/incidents': { query: listIncidentsQuerySchema },
  'POST /api/incidents/{id}/updates': { body: incidentUpdateSchema },
  'POST /api/incidents/{id}/notify': { body: notifySchema },
  'POST /api/incidents/{id}/complaints': { body: linkComplaintSchema },
  'POST /api/incidents/{id}/close': { body: closeIncidentSchema },
  'GET /api/reports': { query: managementReportQuerySchema },
  'GET /api/reports/accountability': { query: managementReportQuerySchema },
  'PUT /api/report-recipients/{email}': {
    body: recipientBodySchema,
    success: { 200: 'The recipient was changed', 201: 'The recipient was added' },
  },
  'DELETE /api/report-recipients/{email}': { success: { 204: 'The recipient was removed' } },
  'POST /api/tickets/{id}/promise': {
    body: answerPromiseSchema,
    optionalBody: true,
    success: { 201: 'Promised: the callback due in half an hour' },
    errors: ['409'],
  },
  'POST /api/callbacks': {
    body: callbackRequestSchema,
    idempotent: true,
    success: {
      201: 'Booked: a new callback `{jobId, dueAt, joined: false}`',
      200:
        "Joined the number's open callback (`joined: true`, nothing new rings), or, for an Idempotency-Key used " +
        'before with the same body, the first answer again (header `Idempotent-Replayed: true`)',
    },
    // 400 naming phone: not a number, or the hotline's own; 404 naming ticketId: no such complaint;
    // 409 naming Idempotency-Key: the key was used with a different body
    errors: ['409'],
  },
  'GET /api/call-jobs': { query: callJobListQuerySchema },
  'GET /api/customers': { query: customerListQuerySchema },
  'GET /api/block-list': { query: blockListQuerySchema },
  'PUT /api/block-list/{phone}': { body: blockBodySchema },
  'POST /api/tickets/{id}/remedies': { body: proposeRemedySchema, versioned: true },
  'POST /api/tickets/{id}/remedies/{remedyId}/decision': { body: remedyDecisionSchema, versioned: true },
  'POST /api/tickets/{id}/remedies/{remedyId}/offer': { body: remedyOfferSchema, versioned: true },
  'POST /api/tickets/{id}/remedies/{remedyId}/answer': { body: remedyAnswerSchema, versioned: true },
  'POST /api/tickets/{id}/remedies/{remedyId}/actions/{actionId}/done': {
    body: remedyActionDoneSchema,
    versioned: true,
  },
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string' },
        correlationId: { type: 'string' },
      },
    },
  },
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** OpenAPI 3.1 description of the HTTP API, generated from the route catalog and the zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const doc = docs[`${route.method} ${route.path}` as RouteKey] ?? {};
    const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (doc.query) {
      const shape = jsonSchema(doc.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        parameters.push({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema });
      }
    }
    if (doc.versioned) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: true,
        description: 'The version of the complaint this change is based on',
        schema: { type: 'string' },
      });
    }
    if (doc.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'A repeat with the same key and body returns the first result; the same key with another body is 409',
        schema: { type: 'string' },
      });
    }
    const errors = Object.fromEntries(
      [
        '400',
        ...(route.auth === 'jwt' ? ['401', '403'] : []),
        '404',
        ...(doc.versioned ? ['409', '428'] : (doc.errors ?? [])),
        '500',
      ].map((code) => [
        code,
        doc.html
          ? { description: 'Error page', content: { 'text/html': { schema: { type: 'string' } } } }
          : { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      ]),
    );
    // Paths outside /api (the survey page) are served from the site root, not the API's `/api` server.
    const outsideApi = !route.path.startsWith('/api');
    const path = outsideApi ? route.path : route.path.replace(/^\/api/, '') || '/';
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      ...(outsideApi ? { servers: [{ url: '/' }] } : {}),
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(route.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(doc.body
        ? {
            requestBody: {
              required: !doc.optionalBody,
              content: { 'application/json': { schema: jsonSchema(doc.body) } },
            },
          }
        : {}),
      ...(doc.form
        ? {
            requestBody: {
              required: true,
              content: { 'application/x-www-form-urlencoded': { schema: jsonSchema(doc.form) } },
            },
          }
        : {}),
      responses: {
        ...(doc.success
          ? Object.fromEntries(
              Object.entries(doc.success).map(([code, description]) => [code, { description }]),
            )
          : { 200: { description: 'OK' } }),
        ...(route.method === 'POST' && route.path === '/api/tickets'
          ? { 201: { description: 'Created' } }
          : {}),
        ...errors,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Complaint hotline API',
      version: '1.0.0',
      description: 'Staff API of the complaint desk and the public status lookup.',
    },
    servers: [{ url: '/api' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
