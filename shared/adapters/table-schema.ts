/**
 * The single DynamoDB table's key schema, shared by the CDK stack, the local runtime
 * (which creates the table in DynamoDB Local) and the store adapters.
 *
 * Generic key names let several item types share an index:
 * - gsi1 (gsi1pk/gsi1sk): tickets by status            STATUS#<status>       / <createdAt>#<id>
 * - gsi2 (gsi2pk/gsi2sk): tickets by severity          SEVERITY#<severity>   / <createdAt>#<id>
 * - gsi3 (gsi3pk/gsi3sk): tickets by department        DEPARTMENT#<dept>     / <createdAt>#<id>
 * - gsi4 (gsi4pk/gsi4sk): tickets by customer phone    PHONE#<e164>          / <createdAt>#<id>
 *                         customers by first phone     CUSTOMERPHONE#<e164>  / <account>
 *                         and the broadcast recipients that phone was: same key / ~RECIPIENT#<broadcastId>
 * - gsi5 (gsi5pk/gsi5sk): sparse, open items by due    OPEN#TICKET           / <nextDeadlineAt>#<id>
 */
export const tableKeys = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const globalIndexes = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
] as const;

export type GlobalIndexName = (typeof globalIndexes)[number]['indexName'];

/** Epoch seconds after which DynamoDB TTL may delete an item (expired data, never a timer). */
export const ttlAttribute = 'expiresAt';

/** gsi4 key of a phone number in the customer registry (customers and their broadcast recipients). */
export const customerPhoneKey = (e164: string) => `CUSTOMERPHONE#${e164}`;

/** gsi4 sort key prefix of recipients: after every account, so a phone's customer comes first. */
export const RECIPIENT_PHONE_SORT = '~RECIPIENT#';
