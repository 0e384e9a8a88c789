import { useCallback, useState } from 'react';
import type { CallJob } from '#shared/domain/call-job';
import { formatTime, useApp } from '../app-context';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';
import { Alert, Link, PageTitle } from '../ui';

/** Callbacks are call jobs of kind `callback` or `emergency` (GET /api/call-jobs?kind=...). */
const CALLBACK_KINDS = ['callback', 'emergency'] as const;
type CallbackKind = (typeof CALLBACK_KINDS)[number];

/** The callbacks booked by staff, the phone menu and the hotline itself: due, state, attempts, and a cancel. */
export function CallbacksPage() {
  const { api, navigate } = useApp();
  const [kind, setKind] = useState<CallbackKind>('callback');
  const [actionError, setActionError] = useState<unknown>();
  const readPage = useCallback(
    (after?: string) =>
      api.get<{ items: CallJob[]; nextCursor: string | null }>(
        `/api/call-jobs?kind=${kind}&limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
      ),
    [api, kind],
  );
  const list = usePagedList(readPage);
  const cancel = async (job: CallJob) => {
    setActionError(undefined);
    try {
      await api.post(`/api/call-jobs/${encodeURIComponent(job.id)}/cancel`, {});
      await list.reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const columns: Column<CallJob>[] = [
    { header: t.callbacks.due, cell: (job) => formatTime(job.nextAttemptAt) },
    { header: t.callbacks.phone, cell: (job) => job.phone },
    { header: t.callbacks.reason, cell: (job) => (job.reason ?? '').replace(/_/g, ' ') || t.common.none },
    { header: t.callbacks.state, cell: (job) => t.callbacks.states[job.state] ?? job.state },
    { header: t.callbacks.attempts, cell: (job) => `${job.attempt} / ${job.maxAttempts}` },
    {
      header: t.fields.ticket,
      cell: (job) =>
        job.ticketId ? (
          <Link to={`/complaints/${job.ticketId}`} navigate={navigate}>
            {job.ticketId}
          </Link>
        ) : (
          t.common.none
        ),
    },
    {
      header: t.callbacks.action,
      cell: (job) =>
        job.state === 'pending' ? (
          <button type="button" className="secondary" onClick={() => void cancel(job)}>
            {t.callbacks.cancel}
          </button>
        ) : null,
    },
  ];

  return (
    <>
      <PageTitle>{t.callbacks.title}</PageTitle>
      <div className="filters card">
        {CALLBACK_KINDS.map((k) => (
          <label key={k} className="field checkbox">
            <input type="radio" name="callback-kind" checked={kind === k} onChange={() => setKind(k)} />
            {t.callbacks.kinds[k]}
          </label>
        ))}
        <button type="button" className="secondary" onClick={() => void list.reload()}>
          {t.common.reload}
        </button>
      </div>
      <Alert error={actionError} />
      <DataTable
        columns={columns}
        rows={list.items}
        rowKey={(job) => job.id}
        rowAttributes={(job) => ({ 'data-job': job.id, 'data-state': job.state })}
        empty={t.callbacks.empty}
        error={list.error}
        more={list.more}
        quietWhileLoading
      />
    </>
  );
}
