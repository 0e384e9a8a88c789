import { toCsv } from '#shared/domain/csv';
import {
  type AreaSelection,
  type Customer,
  type CustomerInput,
  hasUsableContact,
  normalisePhones,
} from '#shared/domain/customer';
import { customersToCsv, type ImportRowReport, planCustomerImport } from '#shared/domain/customer-import';
import {
  IMPORT_SYNC_MAX_CUSTOMERS,
  type ImportReport,
  importJobView,
  type QueuedImport,
} from '#shared/domain/customer-import-job';
import { ForbiddenError, NotFoundError } from '#shared/domain/errors';
import { type Actor, hasRole } from '#shared/domain/ticket';
import type { CustomerAccess, CustomerSearch } from '#shared/ports/customer-store';
import type { Dependencies } from '#shared/ports/dependencies';
import type { Page } from '#shared/ports/ticket-store';
import { queueImport } from './customer-imports';

export type { ImportReport, QueuedImport } from '#shared/domain/customer-import-job';

function audit(
  deps: Dependencies,
  actor: Actor,
  action: CustomerAccess['action'],
  detail: { account?: string; count?: number },
): Promise<void> {
  return deps.customers.recordAccess({
    at: deps.clock.now().toISOString(),
    username: actor.kind === 'staff' ? actor.username : 'system',
    action,
    ...detail,
  });
}

function requireSupervisor(actor: Actor, what: string): void {
  if (!hasRole(actor, 'supervisor')) throw new ForbiddenError(`Only a supervisor or above may ${what}`);
}

/**
 * Reads a customer CSV and saves it (unless a dry run); re-importing the same file changes nothing. Every row
 * is checked at once; more than IMPORT_SYNC_MAX_CUSTOMERS customers are saved as a job after the answer.
 */
export async function importCustomers(
  deps: Dependencies,
  actor: Actor,
  file: { bytes: Uint8Array; charset?: string },
  options: { dryRun: boolean },
): Promise<{ kind: 'saved'; report: ImportReport } | { kind: 'queued'; queued: QueuedImport }> {
  requireSupervisor(actor, 'import customers');
  const plan = planCustomerImport(file.bytes, deps.config.defaultPhoneRegion, file.charset);
  const count = (outcome: ImportRowReport['outcome']) =>
    plan.rows.filter((r) => r.outcome === outcome).length;
  const totals = {
    rows: plan.rows.length,
    accepted: count('accepted'),
    merged: count('merged'),
    rejected: count('rejected'),
    withoutContact: plan.customers.filter((c) => !hasUsableContact(c)).length,
  };
  const rows = plan.rows.filter((r) => r.outcome !== 'accepted' || r.notes?.length);
  if (!options.dryRun && plan.customers.length > IMPORT_SYNC_MAX_CUSTOMERS) {
    const job = await queueImport(deps, actor, plan, totals);
    await audit(deps, actor, 'import', { count: plan.customers.length });
    return {
      kind: 'queued',
      queued: { encoding: plan.encoding, dryRun: false, job: importJobView(job), totals, rows },
    };
  }
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  if (!options.dryRun) {
    const outcomes = await deps.customers.saveMany(plan.customers);
    await audit(deps, actor, 'import', { count: plan.customers.length });
    for (const outcome of outcomes.values()) {
      if (outcome === 'created') created++;
      else if (outcome === 'updated') updated++;
      else unchanged++;
    }
  }
  return {
    kind: 'saved',
    report: {
      encoding: plan.encoding,
      dryRun: options.dryRun,
      totals: { ...totals, created, updated, unchanged },
      rows,
    },
  };
}

export function importReportCsv(report: Pick<ImportReport, 'rows'>): string {
  return toCsv([
    ['line', 'account', 'outcome', 'field', 'reason', 'notes'],
    ...report.rows.map((r) => [r.line, r.account, r.outcome, r.field, r.reason, (r.notes ?? []).join('; ')]),
  ]);
}

export async function readCustomer(deps: Dependencies, actor: Actor, account: string): Promise<Customer> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read customer records');
  const customer = await deps.customers.get(account);
  if (!customer) throw new NotFoundError(`No customer with account ${account}`, 'account');
  await audit(deps, actor, 'read', { account });
  return customer;
}

export async function saveCustomer(
  deps: Dependencies,
  actor: Actor,
  account: string,
  input: Omit<CustomerInput, 'account' | 'phones'> & { phones: readonly string[] },
): Promise<{ customer: Customer; created: boolean }> {
  requireSupervisor(actor, 'change customer records');
  const phones = normalisePhones(input.phones, deps.config.defaultPhoneRegion);
  const outcomes = await deps.customers.saveMany([{ ...input, account, phones }]);
  const customer = await deps.customers.get(account);
  if (!customer) throw new NotFoundError(`No customer with account ${account}`, 'account');
  await audit(deps, actor, 'change', { account });
  return { customer, created: outcomes.get(account) === 'created' };
}

export async function listCustomers(
  deps: Dependencies,
  actor: Actor,
  page: { limit: number; cursor?: string },
  search: CustomerSearch = {},
): Promise<Page<Customer>> {
  if (!hasRole(actor, 'agent')) throw new ForbiddenError('Only staff may read customer records');
  const searching = Object.values(search).some((v) => v !== undefined);
  const result = searching ? await deps.customers.search(search, page) : await deps.customers.list(page);
  await audit(deps, actor, 'list', { count: result.items.length });
  return result;
}

export function customerAccessLog(
  deps: Dependencies,
  actor: Actor,
  page: { limit: number; cursor?: string },
): Promise<Page<CustomerAccess>> {
  if (!hasRole(actor, 'admin')) throw new ForbiddenError('Only an admin may read the audit log');
  return deps.customers.accessLog(page);
}

export async function exportCustomers(deps: Dependencies, actor: Actor): Promise<string> {
  requireSupervisor(actor, 'export the customer registry');
  const all: Customer[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.customers.list({ limit: 500, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  await audit(deps, actor, 'export', { count: all.length });
  return customersToCsv(all);
}

/** How many customers a selection reaches, and how many of them only field staff can reach. */
export async function previewSelection(
  deps: Dependencies,
  actor: Actor,
  selection: AreaSelection,
): Promise<{ customers: number; withContact: number; withoutContact: number }> {
  requireSupervisor(actor, 'select customers for an incident');
  const selected = await deps.customers.select(selection);
  await audit(deps, actor, 'select', { count: selected.length });
  const withContact = selected.filter(hasUsableContact).length;
  return { customers: selected.length, withContact, withoutContact: selected.length - withContact };
}
