import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dependencies } from '#shared/adapters/dependencies';
import { reactToRecord } from './react';

/**
 * Target of the table stream's event source mapping: every saved desk event gets its declared reactions
 * (shared/reactions/registry.ts). A record whose reaction throws is reported as a batch item failure, so
 * the mapping retries from it (bisecting, then parking it on the failure queue); the others are done.
 */
export async function handler(
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse & { failureReasons?: Record<string, string> }> {
  const deps = dependencies();
  // Sequential: records of one complaint arrive in order and their reactions must keep it.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const response = await processPartialResponse(
    event,
    (record: DynamoDBRecord) => reactToRecord(deps, record, context),
    processor,
    {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    },
  );
  // The event source mapping reads only batchItemFailures; the reasons are for the log and the local runtime.
  const failureReasons: Record<string, string> = {};
  processor.failureMessages.forEach((record, i) => {
    const sequence = (record as DynamoDBRecord).dynamodb?.SequenceNumber;
    if (sequence) failureReasons[sequence] = processor.errors[i]?.message ?? 'failed';
  });
  return { ...response, ...(Object.keys(failureReasons).length ? { failureReasons } : {}) };
}
