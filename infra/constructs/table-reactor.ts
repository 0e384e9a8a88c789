import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function';
import { DeadLetterQueue } from './dead-letter-queue';

/** Marker attribute of the desk event items the reactors get (`entity = "event"`); nothing else invokes them. */
export const deskEventFilter = { attribute: 'entity', value: 'event' } as const;

/**
 * How the table stream reaches a reactor: in order per complaint (one batch per shard at a time), failed
 * records retried from the failing one (partial batch responses, bisecting), then parked on the failure queue.
 * A record is never dropped for age before its retries are spent: the stream keeps records 24 hours.
 */
export const tableStreamDelivery = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
  bisectBatchOnError: true,
  retryAttempts: 3,
  reportBatchItemFailures: true,
  maxRecordAge: Duration.days(1),
  parallelizationFactor: 1,
} as const;

export interface TableReactorProps {
  /** The app's table; it must have a stream (stateful stack, NEW_IMAGE). */
  readonly table: ITable;
  /** Every catalog function; those with trigger `tableStream` get an event source mapping. */
  readonly functions: ReadonlyMap<string, AppFunction>;
}

/**
 * The table stream -> every `tableStream` function: one event source mapping each, filtered to new images of
 * desk events, with its own failure queue (an alarm watches it, infra/constructs/operations.ts). The mapping
 * grants the stream read; the queue gets send from the function's role.
 */
export class TableReactor extends Construct {
  /** Function id -> where batches that failed for good are described (shard, sequence numbers). */
  readonly failures: ReadonlyMap<string, DeadLetterQueue>;
  readonly sources: ReadonlyMap<string, DynamoEventSource>;

  constructor(scope: Construct, id: string, props: TableReactorProps) {
    super(scope, id);
    const failures = new Map<string, DeadLetterQueue>();
    const sources = new Map<string, DynamoEventSource>();
    for (const [functionId, fn] of props.functions) {
      if (!fn.spec.triggers?.includes('tableStream')) continue;
      if (!props.table.tableStreamArn) {
        throw new Error(`${functionId} has trigger 'tableStream' but the table has no stream`);
      }
      const queue = new DeadLetterQueue(this, `${functionId}Failures`, {
        purpose: `${functionId} table stream batches`,
      });
      const source = new DynamoEventSource(props.table, {
        ...tableStreamDelivery,
        onFailure: new SqsDlq(queue.queue),
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              NewImage: { [deskEventFilter.attribute]: { S: FilterRule.isEqual(deskEventFilter.value) } },
            },
          }),
        ],
      });
      fn.function.addEventSource(source);
      // The mapping's grant: ListStreams has no resource-level permission; the record reads are on this stream.
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (the stream event source mapping) supports no resource-level permissions.',
      });
      failures.set(functionId, queue);
      sources.set(functionId, source);
    }
    this.failures = failures;
    this.sources = sources;
  }
}
