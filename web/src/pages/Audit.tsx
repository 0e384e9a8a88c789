import { type FormEvent, useState } from 'react';
import { ticketIdParam } from '#shared/http/schemas';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { type Column, DataTable } from '../components/DataTable';
import { t } from '../i18n';
import { Field, PageTitle, RefusedPage } from '../ui';
import type { TicketEvent } from './Complaint';
import { CustomerAccessLog } from './CustomerAccessLog';

function auditColumns(auditTypes: readonly string[]): Column<TicketEvent>[] {
  return [
    { header: t.audit.when, cell: (e) => formatTime(e.at) },
    { header: t.audit.who, cell: (e) => e.actor },
    {
      header: t.audit.what,
      cell: (e) => (
        <>
          {t.events[e.type] ?? e.type}
          {auditTypes.includes(e.type) ? <span className="badge">{t.audit.personalData}</span> : null}
        </>
      ),
    },
    { header: t.audit.detail, cell: (e) => e.reason ?? '' },
  ];
}

export function AuditPage() {
  const { api, session } = useApp();
  const [ticket, setTicket] = useState(() => new URLSearchParams(location.search).get('ticket') ?? '');
  const [fieldError, setFieldError] = useState<string>();
  const [items, setItems] = useState<TicketEvent[]>();
  const [auditTypes, setAuditTypes] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();

  // The API refuses too; this keeps an agent from even seeing the form.
  if (!hasRole(session, 'admin')) {
    return <RefusedPage title={t.audit.title} reason={t.audit.adminsOnly} />;
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = ticketIdParam.safeParse(ticket.trim());
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    setFieldError(undefined);
    setError(undefined);
    try {
      const out = await api.get<{ items: TicketEvent[]; auditTypes: string[] }>(
        `/api/audit?ticket=${parsed.data}`,
      );
      setItems(out.items);
      setAuditTypes(out.auditTypes);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageTitle>{t.audit.title}</PageTitle>
      <p>{t.audit.intro}</p>
      <form className="card inline-form" onSubmit={submit} noValidate>
        <Field id="audit-ticket" label={t.fields.ticket} error={fieldError}>
          {(aria) => (
            <input {...aria} inputMode="numeric" value={ticket} onChange={(e) => setTicket(e.target.value)} />
          )}
        </Field>
        <button type="submit">{t.audit.show}</button>
      </form>
      <DataTable
        columns={auditColumns(auditTypes)}
        rows={items}
        rowKey={(e) => `${e.at}-${e.version}-${e.type}`}
        rowAttributes={(e) => ({ className: auditTypes.includes(e.type) ? 'audit-read' : '' })}
        error={error}
        quietWhileLoading
      />
      <CustomerAccessLog />
    </>
  );
}
