import { dependencies } from '#shared/adapters/dependencies';
import { DynamoReportRecipientStore } from '#shared/adapters/dynamo-report-recipients';
import { type ApiRequest, type ApiResponse, actorFromClaims, parseBody, validate } from '#shared/http/api';
import { recipientBodySchema, recipientPathSchema } from '#shared/http/report-schemas';
import {
  listReportRecipients,
  type RecipientDeps,
  removeReportRecipient,
  requireAdmin,
  setReportRecipient,
} from '#shared/use-cases/report-mail';
import { routedHandler } from './routed';

let store: DynamoReportRecipientStore | undefined;
function deps(): RecipientDeps {
  const d = dependencies();
  store ??= new DynamoReportRecipientStore({ client: d.documentClient, tableName: d.config.tableName });
  return { config: d.config, clock: d.clock, recipients: store };
}

/** The e-mail of the path, decoded (a client may percent-encode the `@`). */
function emailOf(request: ApiRequest): string {
  const raw = request.pathParameters.email ?? '';
  let email = raw;
  try {
    email = decodeURIComponent(raw);
  } catch {
    // Not percent-encoding after all: validated as it is.
  }
  return validate(recipientPathSchema, { email }, 'path').email;
}

async function list(request: ApiRequest): Promise<ApiResponse> {
  const items = await listReportRecipients(deps(), actorFromClaims(request.event));
  return { statusCode: 200, body: { items } };
}

async function put(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  requireAdmin(actor);
  const email = emailOf(request);
  const input = parseBody(request, recipientBodySchema, 4096);
  const { recipient, created } = await setReportRecipient(deps(), actor, email, input);
  return { statusCode: created ? 201 : 200, body: recipient };
}

async function remove(request: ApiRequest): Promise<ApiResponse> {
  const actor = actorFromClaims(request.event);
  requireAdmin(actor);
  await removeReportRecipient(deps(), actor, emailOf(request));
  return { statusCode: 204 };
}

export const handler = routedHandler('ReportRecipientsApi', {
  'GET /api/report-recipients': list,
  'PUT /api/report-recipients/{email}': put,
  'DELETE /api/report-recipients/{email}': remove,
});
