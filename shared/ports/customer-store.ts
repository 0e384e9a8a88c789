import type { AreaSelection, Customer, CustomerInput } from '#shared/domain/customer';
import type { Page } from './ticket-store';

export type SaveOutcome = 'created' | 'updated' | 'unchanged';

export interface CustomerStore {
  get(account: string): Promise<Customer | undefined>;
  /** Create or update by account; a record that would not change is not written (idempotent re-import). */
  saveMany(customers: readonly CustomerInput[]): Promise<ReadonlyMap<string, SaveOutcome>>;
  list(page: { limit: number; cursor?: string }): Promise<Page<Customer>>;
  /** Every customer whose service area matches the selection (an incident's affected customers). */
  select(selection: AreaSelection): Promise<Customer[]>;
  /** The customer whose first phone number this is. */
  findByPhone(e164: string): Promise<Customer | undefined>;
  /** Audit: who read or exported which customer data, when (personal data reads are recorded). */
  recordAccess(access: CustomerAccess): Promise<void>;
  accessLog(page: { limit: number; cursor?: string }): Promise<Page<CustomerAccess>>;
}

export interface CustomerAccess {
  readonly at: string;
  readonly username: string;
  readonly action: 'read' | 'list' | 'export' | 'import' | 'change' | 'select';
  /** The account read, or how many records a list, export or import touched. */
  readonly account?: string;
  readonly count?: number;
}
