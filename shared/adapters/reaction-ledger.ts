import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { AppConfig } from '#shared/config';
import { tableKeys, ttlAttribute } from './table-schema';

/** How long a reaction's record is kept: past the stream's 24 hours, so any redelivery finds it. */
const KEEP_SECONDS = 2 * 86_400;
/** A reaction in progress is someone's for this long; after a crash another delivery may take it over. */
export const REACTION_LEASE_MS = 15_000;

/** Runs each (event, reaction) once: Powertools Idempotency records in the app table (`REACTION#<name>`). */
export interface ReactionLedger {
  once(reaction: string, eventId: string, run: () => Promise<void>, context?: Context): Promise<void>;
}

export interface ReactionLedgerOptions {
  /** The in-progress lease; default REACTION_LEASE_MS. */
  readonly leaseMs?: number;
}

/** Pause between looks at a reaction another delivery holds. */
const HELD_POLL_MS = 500;

const isHeldElsewhere = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'IdempotencyAlreadyInProgressError';

export function createReactionLedger(config: AppConfig, options: ReactionLedgerOptions = {}): ReactionLedger {
  const leaseMs = options.leaseMs ?? REACTION_LEASE_MS;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const byReaction = new Map<
    string,
    {
      config: IdempotencyConfig;
      run: (request: { event: string }, run: () => Promise<void>) => Promise<{ done: true }>;
    }
  >();
  const forReaction = (name: string) => {
    let entry = byReaction.get(name);
    if (!entry) {
      const persistenceStore = new DynamoDBPersistenceLayer({
        tableName: config.tableName,
        keyAttr: tableKeys.partitionKey,
        sortKeyAttr: tableKeys.sortKey,
        // One partition per reaction spreads a broadcast's thousands of records.
        staticPkValue: `REACTION#${name}`,
        expiryAttr: ttlAttribute,
        awsSdkV3Client: client,
      });
      const idempotency = new IdempotencyConfig({ expiresAfterSeconds: KEEP_SECONDS });
      const run = makeIdempotent(
        async (_request: { event: string }, work: () => Promise<void>): Promise<{ done: true }> => {
          await work();
          return { done: true };
        },
        { persistenceStore, config: idempotency, dataIndexArgument: 0 },
      );
      entry = { config: idempotency, run };
      byReaction.set(name, entry);
    }
    return entry;
  };
  return {
    /**
     * Held by another delivery (a duplicate running now, or a process that died mid-reaction and left its
     * lease): wait until that one finishes (then it is skipped as done) or its lease runs out (then it runs
     * here). Failing at once instead would spend the record's retries in milliseconds and park it: after a
     * crash, the reaction would never run.
     */
    async once(reaction, eventId, work, context) {
      const entry = forReaction(reaction);
      const giveUpAt = Date.now() + leaseMs + 2 * HELD_POLL_MS;
      for (;;) {
        entry.config.registerLambdaContext(leaseOf(context, leaseMs));
        try {
          await entry.run({ event: eventId }, work);
          return;
        } catch (error) {
          const left = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
          if (!isHeldElsewhere(error) || Date.now() >= giveUpAt || left < 2 * HELD_POLL_MS) throw error;
          await new Promise((resolve) => setTimeout(resolve, HELD_POLL_MS));
        }
      }
    },
  };
}

/** The in-progress lease: the invocation's remaining time, at most `leaseMs`. */
function leaseOf(context: Context | undefined, leaseMs: number): Context {
  const remaining = () => Math.min(leaseMs, context?.getRemainingTimeInMillis() ?? leaseMs);
  return { ...(context ?? ({} as Context)), getRemainingTimeInMillis: remaining };
}
