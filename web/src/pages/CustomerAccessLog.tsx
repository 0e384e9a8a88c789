import { useCallback } from 'react';
import type { CustomerAccess } from '#shared/ports/customer-store';
import { formatTime, useApp } from '../app-context';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';

const accessColumns: Column<CustomerAccess>[] = [
  { header: t.audit.when, cell: (a) => formatTime(a.at) },
  { header: t.audit.who, cell: (a) => a.username },
  { header: t.audit.what, cell: (a) => t.accessLog.actions[a.action] ?? a.action },
  {
    header: t.audit.detail,
    cell: (a) =>
      a.phone ?? a.account ?? (a.count !== undefined ? t.accessLog.records(a.count) : t.common.none),
  },
];

/** Who read, exported, imported or changed customer data and the block list (admins; newest first). */
export function CustomerAccessLog() {
  const { api } = useApp();
  const readPage = useCallback(
    (after?: string) =>
      api.get<{ items: CustomerAccess[]; nextCursor?: string }>(
        `/api/customers/access-log?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
      ),
    [api],
  );
  const list = usePagedList(readPage);

  return (
    <section className="page-section" aria-labelledby="customer-access-title">
      <h2 id="customer-access-title">{t.accessLog.title}</h2>
      <p className="hint">{t.accessLog.intro}</p>
      <DataTable
        columns={accessColumns}
        rows={list.items}
        rowKey={(a) => `${a.at}-${a.username}-${a.action}-${a.phone ?? a.account ?? a.count}`}
        empty={t.accessLog.empty}
        error={list.error}
        more={list.more}
        quietWhileLoading
        className="compact"
        testId="customer-access-log"
      />
    </section>
  );
}
