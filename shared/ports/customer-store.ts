import type { Recipient } from '#shared/domain/broadcast';
import type { AreaSelection, Customer, CustomerInput } from '#shared/domain/customer';
import type { Page } from './ticket-store';

export type SaveOutcome = 'created' | 'updated' | 'unchanged';

export interface CustomerStore {
  get(account: string): Promise<Customer | undefined>;
  /** Create or update by account; a record that would not change is not written (idempotent re-import). */
  saveMany(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>>;
  /** What saveMany would do with each customer now, without writing anything. */
  outcomesOf(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>>;
  list(page: { limit: number; cursor?: string }): Promise<Page<Customer>>;
  /** Customers matching every given criterion, by account order within an index; paged. */
  search(filter: CustomerSearch, page: { limit: number; cursor?: string }): Promise<Page<Customer>>;
  /** Every customer whose service area matches the selection (an incident's affected customers). */
  select(selection: AreaSelection): Promise<Customer[]>;
  /** The customer who has this phone number (any of their numbers, not only the first). */
  findByPhone(e164: string): Promise<Customer | undefined>;
  /**
   * The customer who has this phone number and the broadcast recipients that number was, in one
   * read (they share the number's index key): what the hotline needs about a caller during an incident.
   */
  findByPhoneWithRecipients(e164: string): Promise<{ customer?: Customer; recipients: Recipient[] }>;
  /** Audit: who read or exported which customer data, when (personal data reads are recorded). */
  recordAccess(access: CustomerAccess): Promise<void>;
  accessLog(page: { limit: number; cursor?: string }): Promise<Page<CustomerAccess>>;
}

/** A search of the registry: area criteria compared like areas (case/space-insensitive), q a prefix. */
export interface CustomerSearch {
  /** Prefix of the account or of the name, case-insensitive. */
  readonly q?: string;
  readonly district?: string;
  readonly street?: string;
  readonly segment?: string;
}

export interface CustomerAccess {
  readonly at: string;
  readonly username: string;
  readonly action:
    | 'read'
    | 'list'
    | 'export'
    | 'import'
    | 'change'
    | 'select'
    // The hotline's block list (shared/use-cases/block-list.ts): list, add or change, remove.
    | 'block-list'
    | 'block'
    | 'unblock';
  /** The account read, or how many records a list, export or import touched. */
  readonly account?: string;
  /** The number (E.164) put on or taken off the block list. */
  readonly phone?: string;
  readonly count?: number;
}
