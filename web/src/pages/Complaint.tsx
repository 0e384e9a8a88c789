import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { deadlineKinds } from '#shared/domain/severity';
import type { Deadline, Extension, TicketEvent } from '#shared/domain/ticket';
import { openStatuses } from '#shared/domain/ticket';
import type { TicketView } from '#shared/domain/ticket-views';
import {
  closeSchema,
  contactSchema,
  departmentResultSchema,
  dispatchSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  progressSchema,
  reopenSchema,
  resolveSchema,
  reviewSchema,
} from '#shared/http/schemas';
import { formatTime, useApp } from '../app-context';
import { t } from '../i18n';
import { Alert, Field, PageTitle } from '../ui';
import { AnswerPromiseSection } from './complaint/AnswerPromise';
import { AssignSection } from './complaint/Assign';
import { describeRemedyEvent, RemediesSection } from './complaint/Remedies';
import { useTicketStep } from './complaint/ticket-step';
import { Countdown, RepeatCallerBadge } from './Queue';

/** One event of a complaint's history, as the events and audit APIs list it. */
export type { TicketEvent } from '#shared/domain/ticket';

type FieldSpec =
  | { name: string; label: string; kind: 'text' | 'textarea' | 'datetime'; optional?: boolean }
  | { name: string; label: string; kind: 'select'; options: { value: string; label: string }[] };

interface ActionSpec {
  path: string;
  schema: z.ZodType;
  fields: FieldSpec[];
  hint?: string;
  toBody?: (values: Record<string, string>) => unknown;
}

/** `allowed`: the ticket's allowed actions ('resolveOverride': a supervisor may resolve over open remedy actions). */
function actionSpecs(departments: readonly string[], allowed: readonly string[]): Record<string, ActionSpec> {
  const note: FieldSpec = { name: 'note', label: t.fields.note, kind: 'textarea', optional: true };
  const override = allowed.includes('resolveOverride');
  return {
    dispatch: {
      path: 'dispatch',
      schema: dispatchSchema,
      fields: [
        {
          name: 'department',
          label: t.fields.department,
          kind: 'select',
          options: departments.map((d) => ({ value: d, label: d.replace(/_/g, ' ') })),
        },
        note,
      ],
    },
    recordContact: {
      path: 'contacts',
      schema: contactSchema,
      fields: [
        {
          name: 'outcome',
          label: t.fields.outcome,
          kind: 'select',
          options: [
            { value: 'reached', label: t.complaint.reached },
            { value: 'not_reached', label: t.complaint.notReached },
          ],
        },
        note,
      ],
    },
    recordProgress: {
      path: 'progress',
      schema: progressSchema,
      fields: [{ name: 'note', label: t.fields.progressNote, kind: 'textarea' }],
    },
    recordDepartmentResult: {
      path: 'department-result',
      schema: departmentResultSchema,
      fields: [{ name: 'result', label: t.fields.result, kind: 'textarea' }],
    },
    resolve: {
      path: 'resolve',
      schema: resolveSchema,
      fields: [
        { name: 'resolution', label: t.fields.resolution, kind: 'textarea' },
        { name: 'customerAgreement', label: t.fields.customerAgreement, kind: 'text' },
        ...(override
          ? [
              {
                name: 'overrideOpenRemedyActions',
                label: t.remedy.overrideReason,
                kind: 'textarea',
                optional: true,
              } as const,
            ]
          : []),
      ],
      ...(override ? { hint: t.remedy.resolveOverrideHint } : {}),
    },
    reopen: {
      path: 'reopen',
      schema: reopenSchema,
      fields: [{ name: 'reason', label: t.fields.reason, kind: 'textarea' }],
    },
    review: {
      path: 'review',
      schema: reviewSchema,
      fields: [{ name: 'note', label: t.fields.reviewNote, kind: 'textarea' }],
    },
    close: {
      path: 'close',
      schema: closeSchema,
      fields: [{ name: 'reason', label: t.fields.reason, kind: 'textarea' }],
    },
    requestExtension: {
      path: 'extensions',
      schema: extensionRequestSchema,
      fields: [
        {
          name: 'deadline',
          label: t.fields.deadline,
          kind: 'select',
          options: deadlineKinds.map((k) => ({ value: k, label: t.deadlines[k] ?? k })),
        },
        { name: 'until', label: t.fields.until, kind: 'datetime' },
        { name: 'reason', label: t.fields.reason, kind: 'textarea' },
      ],
      toBody: (v) => ({ ...v, until: v.until ? new Date(v.until).toISOString() : '' }),
    },
  };
}

function ActionForm(props: {
  type: string;
  spec: ActionSpec;
  ticket: TicketView;
  onDone(next: TicketView): void;
  onConflict(): void;
}) {
  const initial = Object.fromEntries(
    props.spec.fields.map((f) => [f.name, f.kind === 'select' ? (f.options[0]?.value ?? '') : '']),
  );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const { send, failure, errors, busy } = useTicketStep<TicketView>(props, {
    ownsField: (field) => props.spec.fields.some((f) => f.name === field),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const cleaned = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    const body = props.spec.toBody ? props.spec.toBody(cleaned as Record<string, string>) : cleaned;
    void send(props.spec.path, props.spec.schema, body);
  };

  const id = (name: string) => `${props.type}-${name}`;
  return (
    <form onSubmit={submit} noValidate className="action" aria-labelledby={`${props.type}-title`}>
      <h3 id={`${props.type}-title`}>{t.actions[props.type]}</h3>
      {props.spec.hint ? <p className="hint">{props.spec.hint}</p> : null}
      <Alert error={failure} />
      {props.spec.fields.map((f) => (
        <Field key={f.name} id={id(f.name)} label={f.label} error={errors[f.name]}>
          {(aria) => {
            const common = {
              ...aria,
              name: f.name,
              value: values[f.name] ?? '',
              onChange: (e: { target: { value: string } }) =>
                setValues((v) => ({ ...v, [f.name]: e.target.value })),
            };
            if (f.kind === 'select')
              return (
                <select {...common}>
                  {f.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              );
            if (f.kind === 'textarea') return <textarea rows={3} {...common} />;
            return <input type={f.kind === 'datetime' ? 'datetime-local' : 'text'} {...common} />;
          }}
        </Field>
      ))}
      <button type="submit" disabled={busy}>
        {t.actions[props.type]}
      </button>
    </form>
  );
}

function ExtensionDecision(props: {
  ticket: TicketView;
  extension: Extension;
  onDone(next: TicketView): void;
}) {
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>();
  const decide = async (approve: boolean) => {
    const body = { approve, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    const parsed = extensionDecisionSchema.safeParse(body);
    if (!parsed.success) return setFailure(parsed.error.issues[0]?.message);
    try {
      props.onDone(
        await api.post<TicketView>(
          `/api/tickets/${props.ticket.id}/extensions/${props.extension.id}/decision`,
          parsed.data,
          { 'if-match': String(props.ticket.version) },
        ),
      );
    } catch (err) {
      setFailure(err);
    }
  };
  const e = props.extension;
  return (
    <div className="action">
      <h3>{t.actions.decideExtension}</h3>
      <p>
        {t.complaint.pendingExtension(
          t.deadlines[e.deadline] ?? e.deadline,
          formatTime(e.requestedUntil),
          e.requestedBy,
        )}
        : {e.reason}
      </p>
      <Alert error={failure} />
      <Field id={`decision-${e.id}`} label={t.fields.reason}>
        {(aria) => <input {...aria} value={reason} onChange={(ev) => setReason(ev.target.value)} />}
      </Field>
      <div className="buttons">
        <button type="button" onClick={() => void decide(true)}>
          {t.complaint.approve}
        </button>
        <button type="button" className="secondary" onClick={() => void decide(false)}>
          {t.complaint.reject}
        </button>
      </div>
    </div>
  );
}

function describeEvent(e: TicketEvent): string {
  const parts: string[] = [];
  if (typeof e.data.department === 'string') parts.push(e.data.department.replace(/_/g, ' '));
  if (typeof e.data.outcome === 'string')
    parts.push(e.data.outcome === 'reached' ? t.complaint.reached : t.complaint.notReached);
  for (const key of ['note', 'result', 'resolution', 'customerAgreement'] as const) {
    if (typeof e.data[key] === 'string') parts.push(String(e.data[key]));
  }
  if (typeof e.data.deadline === 'string') parts.push(t.deadlines[e.data.deadline] ?? e.data.deadline);
  if (e.type === 'assigned' && typeof e.data.to === 'string') parts.push(e.data.to);
  if (e.type === 'answer_promised' && typeof e.data.callAt === 'string')
    parts.push(formatTime(e.data.callAt));
  parts.push(...describeRemedyEvent(e));
  if (e.reason) parts.push(e.reason);
  return parts.join(' · ');
}

export function ComplaintPage({ id }: { id: string }) {
  const { api, config, refreshClock } = useApp();
  const [ticket, setTicket] = useState<TicketView>();
  const [events, setEvents] = useState<TicketEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  const load = useCallback(async () => {
    try {
      await refreshClock();
      const [view, history] = await Promise.all([
        api.get<TicketView>(`/api/tickets/${id}`),
        api.get<{ items: TicketEvent[] }>(`/api/tickets/${id}/events?limit=100`),
      ]);
      setTicket(view);
      setEvents(history.items);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, [api, id, refreshClock]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error && !ticket) return <Alert error={error} />;
  if (!ticket) return <p className="loading">{t.common.loading}</p>;

  const specs = actionSpecs(config.departments, ticket.allowedActions);
  const actions = ticket.allowedActions.filter((a) => specs[a]);
  const canAssign = ticket.allowedActions.includes('assign');
  const canPromise = openStatuses.includes(ticket.status as (typeof openStatuses)[number]);
  const pending = ticket.allowedActions.includes('decideExtension')
    ? ticket.extensions.filter((e) => e.status === 'pending')
    : [];
  const done = (next: TicketView) => {
    setNotice(t.complaint.done);
    setTicket(next);
    void load();
  };

  return (
    <>
      <PageTitle>{t.complaint.title(ticket.number)}</PageTitle>
      {notice ? (
        <div role="status" className="alert alert-info">
          {notice}
        </div>
      ) : null}
      <Alert error={error} />
      <div className="complaint-grid">
        <section className="card" aria-labelledby="details-title">
          <h2 id="details-title">{t.complaint.details}</h2>
          <dl className="details">
            <dt>{t.fields.status}</dt>
            <dd data-testid="status">
              {t.statuses[ticket.status]}
              {ticket.overdue ? <span className="badge badge-breach">{t.queue.breach}</span> : null}
              <RepeatCallerBadge shown={ticket.repeatCaller === true} />
            </dd>
            <dt>{t.fields.severity}</dt>
            <dd>{t.severities[ticket.severity]}</dd>
            <dt>{t.fields.channel}</dt>
            <dd>{t.channels[ticket.channel]}</dd>
            <dt>{t.fields.category}</dt>
            <dd>{ticket.category.replace(/_/g, ' ')}</dd>
            <dt>{t.fields.department}</dt>
            <dd>{ticket.department?.replace(/_/g, ' ') ?? t.common.none}</dd>
            <dt>{t.complaint.assignee}</dt>
            <dd data-testid="assignee">{ticket.assignee ?? t.complaint.unassigned}</dd>
            <dt>{t.fields.name}</dt>
            <dd>{ticket.customer.name}</dd>
            <dt>{t.fields.phone}</dt>
            <dd>{ticket.customer.phone}</dd>
            {ticket.customer.address ? (
              <>
                <dt>{t.fields.address}</dt>
                <dd>{ticket.customer.address}</dd>
              </>
            ) : null}
            <dt>{t.complaint.createdAt}</dt>
            <dd>{formatTime(ticket.createdAt)}</dd>
            <dt>{t.complaint.recordedBy}</dt>
            <dd>{ticket.recordedBy}</dd>
            <dt>{t.fields.description}</dt>
            <dd className="description">{ticket.description}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="deadlines-title">
          <h2 id="deadlines-title">{t.complaint.deadlines}</h2>
          <p>
            <Countdown deadline={ticket.nextDeadline} overdue={ticket.overdue} />
          </p>
          <ul className="deadlines">
            {deadlineKinds
              .filter((k) => ticket.deadlines[k])
              .map((k) => {
                const d = ticket.deadlines[k] as Deadline;
                const late = d.breachedAt || (d.metAt && d.metAt > d.due);
                return (
                  <li key={k} className={late ? 'late' : ''}>
                    <strong>{t.deadlines[k]}</strong>: {formatTime(d.due)}
                    {d.metAt ? ` · ${t.complaint.met(formatTime(d.metAt))}` : ''}
                    {late ? <span className="badge badge-breach">{t.complaint.breached}</span> : null}
                  </li>
                );
              })}
          </ul>
        </section>
        <section className="card actions" aria-labelledby="actions-title">
          <h2 id="actions-title">{t.complaint.actions}</h2>
          {actions.length === 0 && pending.length === 0 && !canAssign && !canPromise ? (
            <p>{t.complaint.noActions}</p>
          ) : null}
          {canAssign ? (
            <AssignSection
              ticket={ticket}
              onDone={done}
              onConflict={() => {
                setNotice(t.common.conflict);
                void load();
              }}
            />
          ) : null}
          {canPromise ? <AnswerPromiseSection ticketId={ticket.id} onDone={() => void load()} /> : null}
          {pending.map((e) => (
            <ExtensionDecision key={e.id} ticket={ticket} extension={e} onDone={done} />
          ))}
          {actions.map((type) => (
            <ActionForm
              key={`${type}-${ticket.version}`}
              type={type}
              spec={specs[type] as ActionSpec}
              ticket={ticket}
              onDone={done}
              onConflict={() => {
                setNotice(t.common.conflict);
                void load();
              }}
            />
          ))}
        </section>
        <RemediesSection
          ticket={ticket}
          departments={config.departments}
          onDone={(next) => done(next as TicketView)}
          onConflict={() => {
            setNotice(t.common.conflict);
            void load();
          }}
        />
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">{t.complaint.timeline}</h2>
          <ol className="timeline">
            {events.map((e) => (
              <li key={`${e.at}-${e.version}-${e.type}`} className={`event event-${e.type}`}>
                <time dateTime={e.at}>{formatTime(e.at)}</time>
                <strong>{t.events[e.type] ?? e.type}</strong> <span className="actor">{e.actor}</span>
                <div className="event-detail">{describeEvent(e)}</div>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
