import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import type { Customer } from '#shared/domain/customer';
import type { ImportRowReport } from '#shared/domain/customer-import';
import type {
  ImportJobView,
  QueuedImport,
  ImportReport as SavedImport,
} from '#shared/domain/customer-import-job';
import { useApp } from '../app-context';
import { hasRole } from '../auth';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { saveFile } from '../confirm-dialog';
import { t } from '../i18n';
import { Alert, Field, Link, PageTitle } from '../ui';

type ImportRow = ImportRowReport;
type ImportJob = ImportJobView;
/** The import's answer: saved (or checked) in the request, or queued as a job (202). */
type ImportReport = (SavedImport | QueuedImport) & { job?: ImportJobView };

const IMPORT_POLL_MS = 1000;

const totalKeys = [
  'rows',
  'accepted',
  'merged',
  'rejected',
  'created',
  'updated',
  'unchanged',
  'withoutContact',
] as const;
/** A queued file's totals lack created/updated/unchanged until its job has saved it. */
type TotalKey = (typeof totalKeys)[number];

function CustomerDetails({ account }: { account: string }) {
  const { api, navigate } = useApp();
  const [customer, setCustomer] = useState<Customer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    // Reading a record is a personal-data read: the API keeps it in the access log.
    api.get<Customer>(`/api/customers/${encodeURIComponent(account)}`).then(setCustomer, setError);
  }, [api, account]);
  return (
    <>
      <PageTitle>{t.customers.detailsTitle(account)}</PageTitle>
      <p>
        <Link to="/customers" navigate={navigate}>
          {t.customers.back}
        </Link>
      </p>
      <p className="hint">{t.customers.readLogged}</p>
      <Alert error={error} />
      {customer ? (
        <section className="card" aria-labelledby="customer-details">
          <h2 id="customer-details">{customer.name}</h2>
          <dl className="details">
            <dt>{t.customers.account}</dt>
            <dd>{customer.account}</dd>
            <dt>{t.customers.phones}</dt>
            <dd>{customer.phones.length ? customer.phones.join(', ') : t.common.none}</dd>
            <dt>{t.customers.email}</dt>
            <dd>{customer.email ?? t.common.none}</dd>
            <dt>{t.customers.address}</dt>
            <dd>{customer.address}</dd>
            <dt>{t.customers.district}</dt>
            <dd>{customer.area.district}</dd>
            <dt>{t.customers.street}</dt>
            <dd>{customer.area.street}</dd>
            <dt>{t.customers.segment}</dt>
            <dd>{customer.area.segment}</dd>
            <dt>{t.customers.language}</dt>
            <dd>{customer.language}</dd>
            <dt>{t.customers.noContact}</dt>
            <dd>{customer.noContact ? t.common.yes : t.common.no}</dd>
          </dl>
        </section>
      ) : null}
    </>
  );
}

const importRowColumns: Column<ImportRow>[] = [
  { header: t.customers.line, cell: (row) => row.line },
  { header: t.customers.account, cell: (row) => row.account ?? t.common.none },
  { header: t.customers.outcome, cell: (row) => t.customers.outcomes[row.outcome] ?? row.outcome },
  { header: t.customers.field, cell: (row) => row.field ?? t.common.none },
  {
    header: t.customers.reason,
    cell: (row) => [row.reason, ...(row.notes ?? [])].filter(Boolean).join('; ') || t.common.none,
  },
];

function ImportForm({ onImported }: { onImported(): void }) {
  const { api } = useApp();
  const [file, setFile] = useState<File>();
  const [dryRun, setDryRun] = useState(false);
  const [report, setReport] = useState<ImportReport>();
  const [error, setError] = useState<unknown>();
  const [fileError, setFileError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setReport(undefined);
    if (!file) {
      setFileError(t.customers.chooseFile);
      return;
    }
    setFileError(undefined);
    setBusy(true);
    try {
      // The bytes as they are: the API recognises UTF-8, UTF-16 and Windows-1252.
      const result = await api.upload<ImportReport>(
        `/api/customers/import${dryRun ? '?dryRun=true' : ''}`,
        file,
        'text/csv',
      );
      setReport(result);
      let job = result.job;
      while (job && job.state !== 'done') {
        await new Promise((resolve) => setTimeout(resolve, IMPORT_POLL_MS));
        job = await api.get<ImportJob>(`/api/customers/imports/${job.id}`);
        const current = job;
        setReport(
          (shown) => shown && { ...shown, job: current, totals: { ...shown.totals, ...current.totals } },
        );
      }
      if (!dryRun) onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t.customers.importTitle}</h2>
      <p className="hint">{t.customers.importHint}</p>
      <form className="inline-form" onSubmit={submit} noValidate>
        <Field id="import-file" label={t.customers.file} error={fileError}>
          {(aria) => (
            <input
              {...aria}
              type="file"
              accept=".csv,text/csv,text/plain"
              onChange={(e) => setFile(e.target.files?.[0])}
            />
          )}
        </Field>
        <div className="field checkbox">
          <input
            id="import-dry-run"
            type="checkbox"
            checked={dryRun}
            onChange={(e) => setDryRun(e.target.checked)}
          />
          <label htmlFor="import-dry-run">{t.customers.dryRun}</label>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? t.common.loading : t.customers.import}
        </button>
      </form>
      <Alert error={error} />
      {report ? (
        <div className="import-report" data-testid="import-report">
          <p role="status" className="alert alert-info">
            {report.dryRun
              ? t.customers.previewDone(report.encoding)
              : report.job && report.job.state !== 'done'
                ? t.customers.importSaving(report.job.progress.saved, report.job.progress.of)
                : t.customers.importDone(report.encoding)}
          </p>
          <dl className="figures">
            {totalKeys.map((key) => (
              <div className="figure" key={key}>
                <dt className="figure-label">{t.customers.totals[key]}</dt>
                <dd className="figure-value" data-total={key}>
                  {(report.totals as Partial<Record<TotalKey, number>>)[key] ?? 0}
                </dd>
              </div>
            ))}
          </dl>
          {report.rows.length > 0 ? (
            <DataTable
              columns={importRowColumns}
              rows={report.rows}
              rowKey={(row) => `${row.line}-${row.outcome}`}
              rowAttributes={(row) => ({ 'data-line': row.line, className: `row-${row.outcome}` })}
              caption={t.customers.rowsCaption}
              className="compact"
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** A server-side search of the registry (GET /api/customers): every given criterion must match. */
interface CustomerSearch {
  q: string;
  district: string;
  street: string;
  segment: string;
}

const NO_SEARCH: CustomerSearch = { q: '', district: '', street: '', segment: '' };

function searchQuery(search: CustomerSearch, after?: string): string {
  const q = new URLSearchParams({ limit: '100' });
  for (const [name, value] of Object.entries(search)) if (value.trim()) q.set(name, value.trim());
  if (after) q.set('cursor', after);
  return q.toString();
}

function customerColumns(navigate: (to: string) => void): Column<Customer>[] {
  return [
    {
      header: t.customers.account,
      cell: (c) => (
        <Link to={`/customers/${encodeURIComponent(c.account)}`} navigate={navigate}>
          {c.account}
        </Link>
      ),
    },
    { header: t.customers.name, cell: (c) => c.name },
    { header: t.customers.district, cell: (c) => c.area.district },
    { header: t.customers.street, cell: (c) => c.area.street },
    { header: t.customers.segment, cell: (c) => c.area.segment },
    {
      header: t.customers.contact,
      cell: (c) =>
        c.noContact ? (
          <span className="badge badge-breach">{t.customers.noContactBadge}</span>
        ) : (
          [
            c.phones.length ? t.customers.phoneCount(c.phones.length) : '',
            c.email ? t.customers.hasEmail : '',
          ]
            .filter(Boolean)
            .join(' · ') || t.customers.fieldStaffOnly
        ),
    },
  ];
}

function CustomerList() {
  const { api, session, navigate } = useApp();
  const supervisor = hasRole(session, 'supervisor');
  const [filter, setFilter] = useState('');
  const [account, setAccount] = useState('');
  const [search, setSearch] = useState<CustomerSearch>(NO_SEARCH);
  const [draft, setDraft] = useState<CustomerSearch>(NO_SEARCH);
  const readPage = useCallback(
    (after?: string) =>
      api.get<{ items: Customer[]; nextCursor?: string }>(`/api/customers?${searchQuery(search, after)}`),
    [api, search],
  );
  const { items, error, setError, reload, more } = usePagedList(readPage);

  const applySearch = (e: FormEvent) => {
    e.preventDefault();
    setSearch(draft);
  };

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle || !items) return items;
    return items.filter((c) =>
      [c.account, c.name, c.area.district, c.area.street, c.area.segment].some((v) =>
        v.toLowerCase().includes(needle),
      ),
    );
  }, [items, filter]);

  const exportCsv = async () => {
    try {
      saveFile(await api.download('/api/customers/export'), 'customers.csv');
    } catch (err) {
      setError(err);
    }
  };

  const open = (e: FormEvent) => {
    e.preventDefault();
    if (account.trim()) navigate(`/customers/${encodeURIComponent(account.trim())}`);
  };

  return (
    <>
      <PageTitle>{t.customers.title}</PageTitle>
      {supervisor ? <ImportForm onImported={() => void reload()} /> : null}
      <section className="page-section" aria-labelledby="registry-title">
        <h2 id="registry-title">{t.customers.registry}</h2>
        <form className="filters card" onSubmit={applySearch} aria-label={t.customers.searchTitle}>
          {(
            [
              ['q', t.customers.searchQ],
              ['district', t.customers.district],
              ['street', t.customers.street],
              ['segment', t.customers.segment],
            ] as const
          ).map(([name, label]) => (
            <Field key={name} id={`customer-search-${name}`} label={label}>
              {(aria) => (
                <input
                  {...aria}
                  type="search"
                  value={draft[name]}
                  onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
                />
              )}
            </Field>
          ))}
          <div className="filter-buttons">
            <button type="submit">{t.customers.search}</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft(NO_SEARCH);
                setSearch(NO_SEARCH);
              }}
            >
              {t.customers.clearSearch}
            </button>
          </div>
        </form>
        <div className="filters card">
          <Field id="customer-filter" label={t.customers.filter}>
            {(aria) => (
              <input {...aria} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
            )}
          </Field>
          <form className="inline-form" onSubmit={open}>
            <Field id="customer-open" label={t.customers.openAccount}>
              {(aria) => <input {...aria} value={account} onChange={(e) => setAccount(e.target.value)} />}
            </Field>
            <button type="submit">{t.customers.open}</button>
          </form>
          {supervisor ? (
            <button type="button" className="secondary" onClick={() => void exportCsv()}>
              {t.customers.export}
            </button>
          ) : null}
        </div>
        <DataTable
          columns={customerColumns(navigate)}
          rows={shown}
          rowKey={(c) => c.account}
          rowAttributes={(c) => ({ 'data-account': c.account })}
          empty={t.customers.empty}
          error={error}
          more={more}
          caption={(rows) => t.customers.count(rows.length)}
        />
      </section>
    </>
  );
}

/** The customer registry an emergency broadcast selects from: list, one record, CSV import and export. */
export default function CustomersPage({ account }: { account?: string | undefined }) {
  return account ? <CustomerDetails key={account} account={account} /> : <CustomerList />;
}
