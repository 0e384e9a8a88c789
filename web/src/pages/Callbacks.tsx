import { useCallback } from 'react';
import { ApiError } from '../api';
import { formatTime, useApp } from '../app-context';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';
import { Link, PageTitle } from '../ui';

/** A call job as the callbacks API lists it; read loosely, since that API lands separately. */
interface CallJob {
  id?: string;
  jobId?: string;
  kind?: string;
  state?: string;
  status?: string;
  due?: string;
  dueAt?: string;
  attempt?: number;
  attempts?: number;
  ticketId?: string;
}

export function CallbacksPage() {
  const { api, navigate } = useApp();
  const readPage = useCallback(
    async () => ({ items: (await api.get<{ items?: CallJob[] }>('/api/callbacks')).items ?? [] }),
    [api],
  );
  const list = usePagedList(readPage);
  // 404 / 405: the callbacks API is not deployed in this build yet.
  const missing = list.error instanceof ApiError && (list.error.status === 404 || list.error.status === 405);
  const columns: Column<CallJob>[] = [
    { header: t.callbacks.due, cell: (job) => formatTime(job.due ?? job.dueAt) },
    { header: t.callbacks.kind, cell: (job) => job.kind ?? t.common.none },
    { header: t.callbacks.state, cell: (job) => job.state ?? job.status ?? t.common.none },
    { header: t.callbacks.attempts, cell: (job) => job.attempts ?? job.attempt ?? 0 },
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
  ];

  return (
    <>
      <PageTitle>{t.callbacks.title}</PageTitle>
      {missing ? <p className="alert alert-info">{t.common.notAvailable}</p> : null}
      <DataTable
        columns={columns}
        rows={list.items}
        rowKey={(job, i) => job.id ?? job.jobId ?? i}
        empty={t.callbacks.empty}
        error={missing ? undefined : list.error}
        quietWhileLoading
      />
    </>
  );
}
