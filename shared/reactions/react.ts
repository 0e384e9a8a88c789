import type { Context, DynamoDBRecord } from 'aws-lambda';
import type { Dependencies } from '#shared/adapters/dependencies';

/** Run the reactions declared for the desk event in one stream record (filled in by the registry). */
export async function reactToRecord(
  _deps: Dependencies,
  _record: DynamoDBRecord,
  _context?: Context,
): Promise<void> {}
