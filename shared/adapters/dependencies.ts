import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, loadConfig } from '#shared/config';
import type { Clock } from '#shared/ports/clock';
import type { Dependencies } from '#shared/ports/dependencies';
import type { SecretStore } from '#shared/ports/secrets';
import { ConnectDialer } from './connect-dialer';
import { powertoolsDeskMetrics } from './desk-metrics';
import { DynamoAccessLog } from './dynamo-access-log';
import { DynamoBroadcastStore } from './dynamo-broadcast-store';
import { DynamoCallJobStore } from './dynamo-call-jobs';
import { DynamoCallbackBookings } from './dynamo-callback-bookings';
import { DynamoCallerRegistry } from './dynamo-caller-registry';
import { DynamoCustomerImportStore } from './dynamo-customer-imports';
import { DynamoCustomerStore } from './dynamo-customer-store';
import { DynamoIncidentStore } from './dynamo-incident-store';
import { DynamoStatusGuesses } from './dynamo-status-guesses';
import { DynamoTicketStore } from './dynamo-ticket-store';
import { SchedulerTimer } from './scheduler-timer';
import { CachedSecretStore, secretsManagerApi } from './secrets';
import { SesMailer } from './ses-mailer';

/**
 * The ports (shared/ports/dependencies.ts) as this composition root wires them, plus the table's document
 * client, which the handlers' own read models (reports, report recipients) share.
 */
export interface AdapterDependencies extends Dependencies {
  readonly documentClient: DynamoDBDocumentClient;
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

export function createDependencies(config: AppConfig, clock: Clock = systemClock): AdapterDependencies {
  const documentClient = createDocumentClient(config);
  const callJobs = new DynamoCallJobStore({
    client: documentClient,
    tableName: config.tableName,
    retentionDays: config.deadlines.callJobRetentionDays,
  });
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
    callJobs,
    callbackBookings: new DynamoCallbackBookings({
      client: documentClient,
      tableName: config.tableName,
      callJobs,
      idempotencyDays: config.idempotencyDays,
      retentionDays: config.deadlines.callJobRetentionDays,
    }),
    callers: new DynamoCallerRegistry(documentClient, config.tableName),
    statusGuesses: new DynamoStatusGuesses(documentClient, config.tableName),
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
    metrics: powertoolsDeskMetrics,
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

let current: AdapterDependencies | undefined;

/** The instance's dependencies, built from the environment on first use (fail fast on bad config). */
export function dependencies(): AdapterDependencies {
  current ??= createDependencies(loadConfig());
  return current;
}

/** Replace the dependencies (tests, and the local runtime which injects its simulated clock). */
export function setDependencies(next: AdapterDependencies | undefined): void {
  current = next;
}
