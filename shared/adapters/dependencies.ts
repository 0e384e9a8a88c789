import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, loadConfig } from '#shared/config';
import type { AccessLog } from '#shared/ports/access-log';
import type { BroadcastStore } from '#shared/ports/broadcast-store';
import type { CallJobStore } from '#shared/ports/call-jobs';
import type { Clock } from '#shared/ports/clock';
import type { CustomerImportStore } from '#shared/ports/customer-imports';
import type { CustomerStore } from '#shared/ports/customer-store';
import type { OutboundDialer } from '#shared/ports/dialer';
import type { IncidentStore } from '#shared/ports/incident-store';
import type { Mailer } from '#shared/ports/mailer';
import type { SecretStore } from '#shared/ports/secrets';
import type { TicketStore } from '#shared/ports/ticket-store';
import type { Timer } from '#shared/ports/timer';
import { ConnectDialer } from './connect-dialer';
import { DynamoAccessLog } from './dynamo-access-log';
import { DynamoBroadcastStore } from './dynamo-broadcast-store';
import { DynamoCallJobStore } from './dynamo-call-jobs';
import { DynamoCustomerImportStore } from './dynamo-customer-imports';
import { DynamoCustomerStore } from './dynamo-customer-store';
import { DynamoIncidentStore } from './dynamo-incident-store';
import { DynamoTicketStore } from './dynamo-ticket-store';
import { SchedulerTimer } from './scheduler-timer';
import { CachedSecretStore, secretsManagerApi } from './secrets';
import { SesMailer } from './ses-mailer';

/** Everything a handler needs from the outside world, created once per instance from config. */
export interface Dependencies {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tickets: TicketStore;
  readonly customers: CustomerStore;
  /** Customer files too large for one request, saved as jobs. */
  readonly customerImports: CustomerImportStore;
  /** Every read of personal data through the API: who, when, which route and ids, why. */
  readonly accessLog: AccessLog;
  readonly broadcasts: BroadcastStore;
  /** Incidents (opened by a sent broadcast), their updates and linked complaints. */
  readonly incidents: IncidentStore;
  /** Outbound call jobs of the one dialer. */
  readonly callJobs: CallJobStore;
  /** One-time schedules: deadlines, dialer wake-ups, retries. */
  readonly timer: Timer;
  /** Outbound calls through Connect. */
  readonly dialer: OutboundDialer;
  readonly mailer: Mailer;
  /** Secrets Manager secrets named by ARN in the config (deployed only), read once per instance. */
  readonly secrets?: SecretStore;
}

export const systemClock: Clock = { now: () => new Date() };

export function createDocumentClient(config: AppConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createDependencies(config: AppConfig, clock: Clock = systemClock): Dependencies {
  const documentClient = createDocumentClient(config);
  return {
    config,
    clock,
    documentClient,
    customers: new DynamoCustomerStore({ client: documentClient, tableName: config.tableName, clock }),
    customerImports: new DynamoCustomerImportStore({ client: documentClient, tableName: config.tableName }),
    accessLog: new DynamoAccessLog({
      client: documentClient,
      tableName: config.tableName,
      retentionDays: config.deadlines.accessLogRetentionDays,
    }),
    broadcasts: new DynamoBroadcastStore({ client: documentClient, tableName: config.tableName }),
    incidents: new DynamoIncidentStore({ client: documentClient, tableName: config.tableName }),
    tickets: new DynamoTicketStore({
      client: documentClient,
      tableName: config.tableName,
      clock,
      numberBlock: config.ticketNumberBlock,
      reportTimeZone: config.deskTimeZone,
      reportPolicy: config.deadlinePolicy,
      idempotencyDays: config.idempotencyDays,
    }),
    callJobs: new DynamoCallJobStore({
      client: documentClient,
      tableName: config.tableName,
      retentionDays: config.deadlines.callJobRetentionDays,
    }),
    timer: new SchedulerTimer({
      // The SDK reads AWS_ENDPOINT_URL_SCHEDULER itself (the local emulator).
      client: new SchedulerClient({ region: config.region }),
      groupName: config.deadlines.scheduleGroup,
      ...(config.deadlines.schedulerRoleArn ? { roleArn: config.deadlines.schedulerRoleArn } : {}),
      ...(config.deadlines.deadLetterArn ? { deadLetterArn: config.deadlines.deadLetterArn } : {}),
      targetArns: config.deadlines.targetArns,
    }),
    // Connect and SES clients read AWS_ENDPOINT_URL_CONNECT / AWS_ENDPOINT_URL_SESV2 locally.
    dialer: new ConnectDialer({
      client: new ConnectClient({ region: config.region }),
      ...(config.dialer.instanceId ? { instanceId: config.dialer.instanceId } : {}),
      ...(config.dialer.sourcePhoneNumber ? { sourcePhoneNumber: config.dialer.sourcePhoneNumber } : {}),
      flowIds: config.dialer.flowIds,
    }),
    mailer: new SesMailer({
      client: new SESv2Client({ region: config.region }),
      from: config.deadlines.mailFrom,
    }),
    secrets: coldStartSecrets(config),
  };
}

/** The secret store; a function given the survey link secret's ARN starts reading it at once (cold start). */
function coldStartSecrets(config: AppConfig): SecretStore {
  const secrets = new CachedSecretStore(secretsManagerApi(config.region));
  const arn = config.deadlines.surveyLinkSecretArn;
  // A failed read is not cached: the request that needs the key reads again and reports the error.
  if (arn) secrets.secretString(arn).catch(() => undefined);
  return secrets;
}

let current: Dependencies | undefined;

/** The instance's dependencies, built from the environment on first use (fail fast on bad config). */
export function dependencies(): Dependencies {
  current ??= createDependencies(loadConfig());
  return current;
}

/** Replace the dependencies (tests, and the local runtime which injects its simulated clock). */
export function setDependencies(next: Dependencies | undefined): void {
  current = next;
}
