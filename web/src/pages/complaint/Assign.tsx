import { type FormEvent, useState } from 'react';
import { assignSchema } from '#shared/http/schemas';
import { useApp } from '../../app-context';
import { hasRole } from '../../auth';
import { t } from '../../i18n';
import { Alert, Field } from '../../ui';
import { useTicketStep } from './ticket-step';

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
  const { session } = useApp();
  const supervisor = hasRole(session, 'supervisor');
  const [assignee, setAssignee] = useState('');
  const [note, setNote] = useState('');
  const step = useTicketStep<T>(
    {
      ticket: props.ticket,
      onDone: (next) => {
        setAssignee('');
        setNote('');
        props.onDone(next);
      },
      onConflict: props.onConflict,
    },
    { ownsField: (field) => field === 'assignee' || field === 'note' },
  );
  const { failure, errors, busy } = step;
  const send = (body: Record<string, string>) => step.send('assign', assignSchema, body);

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
