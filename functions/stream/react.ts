import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { REWRITTEN_ATTRIBUTE, storedDeskEvent } from '#shared/adapters/event-items';
import { createReactionLedger, type ReactionLedger } from '#shared/adapters/reaction-ledger';
import type { TicketTimerChange } from '#shared/domain/ticket-timers';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Reaction, ReactionInput } from '#shared/reactions/reaction';
import { reactionsOf } from '#shared/reactions/registry';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'complaint-hotline' });

/** One ledger per set of dependencies (the local runtime builds a new set per start). */
const ledgers = new WeakMap<Dependencies, ReactionLedger>();

function ledgerOf(deps: Dependencies): ReactionLedger {
  let ledger = ledgers.get(deps);
  if (!ledger) {
    ledger = createReactionLedger(deps.config);
    ledgers.set(deps, ledger);
  }
  return ledger;
}

export class UnknownDeskEventError extends Error {
  override readonly name = 'UnknownDeskEventError';
}

/**
 * The reactions of the desk event in one stream record, each at most once (ledger by event id and
 * reaction name). A reaction that throws fails the record, so it is retried: those already done are
 * skipped. A record that is not a desk event (the mapping's filter lets none through) is ignored.
 */
export async function reactToRecord(
  deps: Dependencies,
  record: DynamoDBRecord,
  context?: Context,
  ledger: ReactionLedger = ledgerOf(deps),
): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  const stored = storedDeskEvent(unmarshall(image as Record<string, AttributeValue>));
  if (!stored) return;
  // An event rewritten in place (retention erasing its free text) is not a new event: nothing follows.
  if (record.eventName === 'MODIFY' && stored.item[REWRITTEN_ATTRIBUTE] !== undefined) return;
  const reactions = reactionsOf(stored.eventKey);
  // Unknown at run time means a writer newer than this reader: fail loudly (retried, then parked).
  if (!reactions) throw new UnknownDeskEventError(`No reactions are declared for event ${stored.eventKey}`);
  const input = {
    key: stored.eventKey,
    id: stored.id,
    event: stored.event,
    ...(stored.item.timers ? { timers: stored.item.timers as TicketTimerChange } : {}),
  } as unknown as ReactionInput;
  for (const reaction of reactions as readonly Reaction[]) {
    if (reaction.when && !reaction.when(input)) continue;
    try {
      await ledger.once(reaction.name, stored.id, () => reaction.run(deps, input), context);
    } catch (error) {
      logger.warn('Reaction failed; the record is retried', {
        reaction: reaction.name,
        eventKey: stored.eventKey,
        eventId: stored.id,
        errorName: (error as Error)?.name,
        errorMessage: (error as Error)?.message,
      });
      throw error;
    }
  }
}
