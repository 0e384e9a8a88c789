import { type FormEvent, useState } from 'react';
import { ticketIdParam } from '#shared/http/schemas';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { t } from '../i18n';
import { Alert, Field, PageTitle } from '../ui';
import { CustomerAccessLog } from './CustomerAccessLog';

interface AuditEvent {
  type: string;
  at: string;
  actor: string;
  version: number;
  data: Record<string, unknown>;
  reason?: string;
}

export function AuditPage() {
  const { api, session } = useApp();
  const [ticket, setTicket] = useState(() => new URLSearchParams(location.search).get('ticket') ?? '');
  const [fieldError, setFieldError] = useState<string>();
  const [items, setItems] = useState<AuditEvent[]>();
  const [auditTypes, setAuditTypes] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();

  // The API refuses too; this keeps an agent from even seeing the form.
  if (!hasRole(session, 'admin')) {
    return (
      <>
        <PageTitle>{t.audit.title}</PageTitle>
        <p role="alert" className="alert alert-error">
          {t.audit.adminsOnly}
        </p>
      </>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = ticketIdParam.safeParse(ticket.trim());
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    setFieldError(undefined);
    setError(undefined);
    try {
      const out = await api.get<{ items: AuditEvent[]; auditTypes: string[] }>(
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
      <Alert error={error} />
      {items ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.audit.when}</th>
                <th scope="col">{t.audit.who}</th>
                <th scope="col">{t.audit.what}</th>
                <th scope="col">{t.audit.detail}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr
                  key={`${e.at}-${e.version}-${e.type}`}
                  className={auditTypes.includes(e.type) ? 'audit-read' : ''}
                >
                  <td>{formatTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    {t.events[e.type] ?? e.type}
                    {auditTypes.includes(e.type) ? (
                      <span className="badge">{t.audit.personalData}</span>
                    ) : null}
                  </td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CustomerAccessLog />
    </>
  );
}
