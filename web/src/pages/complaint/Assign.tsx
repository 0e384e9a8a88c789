import { type FormEvent, useState } from 'react';
import { assignSchema } from '#shared/http/schemas';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { hasRole } from '../../auth';
import { t } from '../../i18n';
import { Alert, Field, fieldErrors } from '../../ui';

interface AssignableTicket {
  id: string;
  version: number;
  assignee?: string;
}

/**
 * Assigning the complaint (`POST /api/tickets/{id}/assign`, If-Match): a supervisor types any staff
 * username (with an optional note); an agent may only take it for themselves ("Take it").
 */
export function AssignSection<T extends AssignableTicket>(props: {
  ticket: T;
  onDone(next: T): void;
  onConflict(): void;
}) {
  const { api, session } = useApp();
  const supervisor = hasRole(session, 'supervisor');
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const send = async (body: Record<string, string>) => {
    setFailure(undefined);
    const parsed = assignSchema.safeParse(body);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const next = await api.post<T>(`/api/tickets/${props.ticket.id}/assign`, parsed.data, {
        'if-match': String(props.ticket.version),
      });
      setAssignee('');
      setNote('');
      props.onDone(next);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'CONFLICT') props.onConflict();
      if (err instanceof ApiError && (err.field === 'assignee' || err.field === 'note')) {
        setErrors({ [err.field]: err.message });
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const mine = props.ticket.assignee === session.username;

  if (!supervisor) {
    return (
      <section className="action" aria-labelledby="assign-title">
        <h3 id="assign-title">{t.actions.assign}</h3>
        <Alert error={failure} />
        {mine ? (
          <p>{t.complaint.assignedToYou}</p>
        ) : (
          <button type="button" disabled={busy} onClick={() => void send({ assignee: session.username })}>
            {t.complaint.takeIt}
          </button>
        )}
      </section>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, string> = { assignee: assignee.trim() };
    if (note.trim()) body.note = note.trim();
    void send(body);
  };

  return (
    <form onSubmit={submit} noValidate className="action" aria-labelledby="assign-title">
      <h3 id="assign-title">{t.actions.assign}</h3>
      <Alert error={failure} />
      <Field id="assign-assignee" label={t.complaint.assignTo} error={errors.assignee}>
        {(aria) => (
          <input
            {...aria}
            name="assignee"
            autoComplete="off"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
          />
        )}
      </Field>
      <Field id="assign-note" label={t.fields.note} error={errors.note}>
        {(aria) => (
          <textarea {...aria} name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        )}
      </Field>
      <button type="submit" disabled={busy}>
        {t.actions.assign}
      </button>
    </form>
  );
}
