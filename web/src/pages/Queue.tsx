import { type FormEvent, useCallback, useState } from 'react';
import { severities } from '#shared/domain/severity';
import { ticketStatuses } from '#shared/domain/ticket';
import type { TicketSummary } from '#shared/domain/ticket-views';
import { formatDuration, useApp, useNow } from '../app-context';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';
import { Field, Link, PageTitle } from '../ui';

export type { TicketSummary } from '#shared/domain/ticket-views';

interface Filters {
  status: string;
  severity: string;
  department: string;
  overdue: boolean;
  /** Only complaints assigned to the signed-in staff member (assignee=me). */
  mine: boolean;
  repeatCaller: boolean;
}

function filtersFromUrl(): Filters {
  const q = new URLSearchParams(location.search);
  return {
    status: q.get('status') ?? '',
    severity: q.get('severity') ?? '',
    department: q.get('department') ?? '',
    overdue: q.get('overdue') === 'true',
    mine: q.get('assignee') === 'me',
    repeatCaller: q.get('repeatCaller') === 'true',
  };
}

function query(filters: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  if (filters.status) q.set('status', filters.status);
  if (filters.severity) q.set('severity', filters.severity);
  if (filters.department) q.set('department', filters.department);
  if (filters.overdue) q.set('overdue', 'true');
  if (filters.mine) q.set('assignee', 'me');
  if (filters.repeatCaller) q.set('repeatCaller', 'true');
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export function Countdown({
  deadline,
  overdue,
}: {
  deadline: TicketSummary['nextDeadline'];
  overdue: boolean;
}) {
  const now = useNow();
  if (!deadline) return <span>{t.common.none}</span>;
  const left = Date.parse(deadline.due) - now;
  const late = left < 0 || overdue;
  return (
    <span className={`countdown${late ? ' late' : left < 5 * 60_000 ? ' soon' : ''}`} data-testid="countdown">
      {t.deadlines[deadline.kind] ?? deadline.kind}:{' '}
      {late ? t.queue.overdueBy(formatDuration(left)) : t.queue.dueIn(formatDuration(left))}
    </span>
  );
}

/** Staff see at a glance that the customer keeps calling (the hotline flags the number). */
export function RepeatCallerBadge({ shown }: { shown: boolean }) {
  return shown ? (
    <span className="badge badge-repeat" title={t.queue.repeatCallerHint} data-testid="repeat-caller">
      {t.queue.repeatCaller}
    </span>
  ) : null;
}

function queueColumns(navigate: (to: string) => void): Column<TicketSummary>[] {
  return [
    {
      header: t.queue.number,
      cell: (item) => (
        <>
          <Link to={`/complaints/${item.id}`} navigate={navigate}>
            {item.number}
          </Link>
          {item.overdue ? <span className="badge badge-breach">{t.queue.breach}</span> : null}
          <RepeatCallerBadge shown={item.repeatCaller === true} />
        </>
      ),
    },
    {
      header: t.fields.severity,
      cell: (item) => (
        <span className={`severity severity-${item.severity}`}>{t.severities[item.severity]}</span>
      ),
    },
    { header: t.fields.status, cell: (item) => t.statuses[item.status] },
    { header: t.fields.category, cell: (item) => item.category.replace(/_/g, ' ') },
    { header: t.fields.department, cell: (item) => item.department?.replace(/_/g, ' ') ?? t.common.none },
    { header: t.queue.assignee, cell: (item) => item.assignee ?? t.common.none },
    {
      header: t.queue.customer,
      cell: (item) => (
        <>
          {item.customer.initials} ···{item.customer.phoneLast4}
        </>
      ),
    },
    {
      header: t.queue.next,
      cell: (item) => <Countdown deadline={item.nextDeadline} overdue={item.overdue} />,
    },
  ];
}

export function QueuePage() {
  const { api, config, navigate, refreshClock } = useApp();
  const [filters, setFilters] = useState<Filters>(filtersFromUrl);
  const [draft, setDraft] = useState<Filters>(filters);
  const readPage = useCallback(
    async (after?: string) => {
      await refreshClock();
      return api.get<{ items: TicketSummary[]; nextCursor: string | null }>(
        `/api/tickets?${query(filters, after)}&limit=50`,
      );
    },
    [api, refreshClock, filters],
  );
  const list = usePagedList(readPage);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    history.replaceState(null, '', `/?${query(draft)}`);
    setFilters(draft);
  };

  return (
    <>
      <PageTitle>{t.queue.title}</PageTitle>
      <form className="filters card" onSubmit={apply} aria-label={t.queue.filters}>
        <Field id="filter-status" label={t.fields.status}>
          {(aria) => (
            <select
              {...aria}
              value={draft.status}
              onChange={(e) => setDraft({ ...draft, status: e.target.value })}
            >
              <option value="">{t.common.any}</option>
              {ticketStatuses.map((s) => (
                <option key={s} value={s}>
                  {t.statuses[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="filter-severity" label={t.fields.severity}>
          {(aria) => (
            <select
              {...aria}
              value={draft.severity}
              onChange={(e) => setDraft({ ...draft, severity: e.target.value })}
            >
              <option value="">{t.common.any}</option>
              {severities.map((s) => (
                <option key={s} value={s}>
                  {t.severities[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="filter-department" label={t.fields.department}>
          {(aria) => (
            <select
              {...aria}
              value={draft.department}
              onChange={(e) => setDraft({ ...draft, department: e.target.value })}
            >
              <option value="">{t.common.any}</option>
              {config.departments.map((d) => (
                <option key={d} value={d}>
                  {d.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field checkbox">
          <input
            id="filter-overdue"
            type="checkbox"
            checked={draft.overdue}
            onChange={(e) => setDraft({ ...draft, overdue: e.target.checked })}
          />
          <label htmlFor="filter-overdue">{t.fields.overdueOnly}</label>
        </div>
        <div className="field checkbox">
          <input
            id="filter-mine"
            type="checkbox"
            checked={draft.mine}
            onChange={(e) => setDraft({ ...draft, mine: e.target.checked })}
          />
          <label htmlFor="filter-mine">{t.queue.mineOnly}</label>
        </div>
        <div className="field checkbox">
          <input
            id="filter-repeat"
            type="checkbox"
            checked={draft.repeatCaller}
            onChange={(e) => setDraft({ ...draft, repeatCaller: e.target.checked })}
          />
          <label htmlFor="filter-repeat">{t.queue.repeatCallersOnly}</label>
        </div>
        <div className="filter-buttons">
          <button type="submit">{t.common.apply}</button>
          <button type="button" className="secondary" onClick={() => void list.reload()}>
            {t.common.reload}
          </button>
        </div>
      </form>
      <DataTable
        columns={queueColumns(navigate)}
        rows={list.items}
        rowKey={(item) => item.id}
        rowAttributes={(item) => ({ className: item.overdue ? 'overdue' : '', 'data-ticket': item.number })}
        empty={t.queue.empty}
        error={list.error}
        more={list.more}
        caption={(rows) => t.queue.count(rows.length)}
        className="queue"
      />
    </>
  );
}
