import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppConfig, loadConfig } from '#shared/config';
import type { Clock } from '#shared/ports/clock';
import type { CustomerStore } from '#shared/ports/customer-store';
import type { TicketStore } from '#shared/ports/ticket-store';
import { DynamoCustomerStore } from './dynamo-customer-store';
import { DynamoTicketStore } from './dynamo-ticket-store';

/** Everything a handler needs from the outside world, created once per instance from config. */
export interface Dependencies {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tickets: TicketStore;
  readonly customers: CustomerStore;
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
    tickets: new DynamoTicketStore({
      client: documentClient,
      tableName: config.tableName,
      clock,
      numberBlock: config.ticketNumberBlock,
      idempotencyDays: config.idempotencyDays,
    }),
  };
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
