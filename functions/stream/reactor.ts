import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dependencies } from '#shared/adapters/dependencies';
import { reactToRecord } from '#shared/reactions/react';

/**
 * Target of the table stream's event source mapping: every saved desk event gets its declared reactions
 * (shared/reactions/registry.ts). A record whose reaction throws is reported as a batch item failure, so
 * the mapping retries from it (bisecting, then parking it on the failure queue); the others are done.
 */
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  const deps = dependencies();
  // Sequential: records of one complaint arrive in order and their reactions must keep it.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    (record: DynamoDBRecord) => reactToRecord(deps, record, context),
    processor,
    {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    },
  );
}
