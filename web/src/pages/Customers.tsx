import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useApp } from '../app-context';
import { hasRole } from '../auth';
import { saveFile } from '../confirm-dialog';
import { t } from '../i18n';
import { Alert, Field, Link, PageTitle } from '../ui';

interface Customer {
  account: string;
  name: string;
  phones: string[];
  email?: string;
  address: string;
  area: { district: string; street: string; segment: string };
  language: string;
  noContact: boolean;
  createdAt: string;
  updatedAt: string;
}

interface ImportRow {
  line: number;
  account?: string;
  outcome: 'accepted' | 'merged' | 'rejected';
  reason?: string;
  field?: string;
  notes?: string[];
}

interface ImportReport {
  encoding: string;
  dryRun: boolean;
  totals: Record<string, number>;
  rows: ImportRow[];
}

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
              : t.customers.importDone(report.encoding)}
          </p>
          <dl className="figures">
            {totalKeys.map((key) => (
              <div className="figure" key={key}>
                <dt className="figure-label">{t.customers.totals[key]}</dt>
                <dd className="figure-value" data-total={key}>
                  {report.totals[key] ?? 0}
                </dd>
              </div>
            ))}
          </dl>
          {report.rows.length > 0 ? (
            <div className="table-wrap">
              <table className="compact">
                <caption>{t.customers.rowsCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.customers.line}</th>
                    <th scope="col">{t.customers.account}</th>
                    <th scope="col">{t.customers.outcome}</th>
                    <th scope="col">{t.customers.field}</th>
                    <th scope="col">{t.customers.reason}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((row) => (
                    <tr
                      key={`${row.line}-${row.outcome}`}
                      data-line={row.line}
                      className={`row-${row.outcome}`}
                    >
                      <td>{row.line}</td>
                      <td>{row.account ?? t.common.none}</td>
                      <td>{t.customers.outcomes[row.outcome] ?? row.outcome}</td>
                      <td>{row.field ?? t.common.none}</td>
                      <td>
                        {[row.reason, ...(row.notes ?? [])].filter(Boolean).join('; ') || t.common.none}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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

function CustomerList() {
  const { api, session, navigate } = useApp();
  const supervisor = hasRole(session, 'supervisor');
  const [items, setItems] = useState<Customer[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [filter, setFilter] = useState('');
  const [account, setAccount] = useState('');
  const [search, setSearch] = useState<CustomerSearch>(NO_SEARCH);
  const [draft, setDraft] = useState<CustomerSearch>(NO_SEARCH);

  const load = useCallback(
    async (after?: string) => {
      setError(undefined);
      try {
        const page = await api.get<{ items: Customer[]; nextCursor?: string }>(
          `/api/customers?${searchQuery(search, after)}`,
        );
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (err) {
        setError(err);
      }
    },
    [api, search],
  );

  useEffect(() => {
    void load();
  }, [load]);

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
      {supervisor ? <ImportForm onImported={() => void load()} /> : null}
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
        <Alert error={error} />
        {shown === undefined ? (
          <p className="loading">{t.common.loading}</p>
        ) : shown.length === 0 ? (
          <p>{t.customers.empty}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>{t.customers.count(shown.length)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.customers.account}</th>
                  <th scope="col">{t.customers.name}</th>
                  <th scope="col">{t.customers.district}</th>
                  <th scope="col">{t.customers.street}</th>
                  <th scope="col">{t.customers.segment}</th>
                  <th scope="col">{t.customers.contact}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={c.account} data-account={c.account}>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(c.account)}`} navigate={navigate}>
                        {c.account}
                      </Link>
                    </td>
                    <td>{c.name}</td>
                    <td>{c.area.district}</td>
                    <td>{c.area.street}</td>
                    <td>{c.area.segment}</td>
                    <td>
                      {c.noContact ? (
                        <span className="badge badge-breach">{t.customers.noContactBadge}</span>
                      ) : (
                        [
                          c.phones.length ? t.customers.phoneCount(c.phones.length) : '',
                          c.email ? t.customers.hasEmail : '',
                        ]
                          .filter(Boolean)
                          .join(' · ') || t.customers.fieldStaffOnly
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor ? (
          <button type="button" className="secondary" onClick={() => void load(cursor)}>
            {t.queue.more}
          </button>
        ) : null}
      </section>
    </>
  );
}

/** The customer registry an emergency broadcast selects from: list, one record, CSV import and export. */
export default function CustomersPage({ account }: { account?: string | undefined }) {
  return account ? <CustomerDetails key={account} account={account} /> : <CustomerList />;
}
