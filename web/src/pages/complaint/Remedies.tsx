import { type FormEvent, useState } from 'react';
import { answerChannels, remedyKinds } from '#shared/domain/remedy';
import type { TicketView } from '#shared/domain/ticket-views';
import { proposeRemedySchema, remedyAnswerSchema, remedyDecisionSchema } from '#shared/http/remedy-schemas';
import { formatTime } from '../../app-context';
import { DataTable } from '../../components/DataTable';
import { t } from '../../i18n';
import { Alert, Field } from '../../ui';
import { useTicketStep } from './ticket-step';

/** The remedies as the ticket view carries them (shared/domain/remedy.ts remedyViews). */
export type RemedyView = TicketView['remedies'][number];
export type RemedyActionView = RemedyView['actions'][number];

/** What of a complaint the remedy section needs. */
export type TicketWithRemedies = Pick<TicketView, 'id' | 'version' | 'allowedActions' | 'remedies'>;

interface StepProps {
  ticket: TicketWithRemedies;
  onDone(next: TicketWithRemedies): void;
  onConflict(): void;
}

const words = (s: string) => s.replace(/_/g, ' ');
const money = (r: { amount?: number; currency?: string }) =>
  r.amount === undefined ? '' : `${r.amount.toFixed(2)} ${r.currency ?? ''}`.trim();

/** Post one remedy step; a refused field shows at its input and in the step's alert. */
const useStep = (props: StepProps) => useTicketStep(props, { keyOf: (path) => path.map(String).join('.') });

interface ActionRow {
  department: string;
  task: string;
  dueAt: string;
}

function ProposeRemedy(props: StepProps & { departments: readonly string[] }) {
  const { send, failure, errors, busy } = useStep(props);
  const [kind, setKind] = useState<string>('apology');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [description, setDescription] = useState('');
  const [rows, setRows] = useState<ActionRow[]>([]);
  const firstDepartment = props.departments[0] ?? '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const number = amount.trim() === '' ? undefined : Number(amount.trim().replace(',', '.'));
    void send('remedies', proposeRemedySchema, {
      kind,
      // A non-number is sent to the schema as typed, so it says "amount must be a number".
      ...(number === undefined ? {} : { amount: Number.isNaN(number) ? amount : number }),
      ...(currency.trim() ? { currency: currency.trim().toUpperCase() } : {}),
      description: description.trim(),
      actions: rows.map((r) => ({
        department: r.department,
        task: r.task.trim(),
        dueAt: r.dueAt ? new Date(r.dueAt).toISOString() : '',
      })),
    });
  };
  const setRow = (i: number, change: Partial<ActionRow>) =>
    setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));

  return (
    <form onSubmit={submit} noValidate className="action" aria-labelledby="propose-remedy-title">
      <h3 id="propose-remedy-title">{t.remedy.propose}</h3>
      <p className="hint">{t.remedy.proposeHint}</p>
      <Alert error={failure} />
      <Field id="remedy-kind" label={t.remedy.kind} error={errors.kind}>
        {(aria) => (
          <select {...aria} value={kind} onChange={(e) => setKind(e.target.value)}>
            {remedyKinds.map((k) => (
              <option key={k} value={k}>
                {t.remedy.kinds[k] ?? k}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="remedy-amount" label={t.remedy.amount} error={errors.amount}>
        {(aria) => (
          <input {...aria} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        )}
      </Field>
      <Field id="remedy-currency" label={t.remedy.currency} error={errors.currency}>
        {(aria) => (
          <input {...aria} maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value)} />
        )}
      </Field>
      <Field id="remedy-description" label={t.remedy.description} error={errors.description}>
        {(aria) => (
          <textarea {...aria} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <fieldset className="remedy-actions">
        <legend>{t.remedy.departmentActions}</legend>
        {rows.length === 0 ? <p className="hint">{t.remedy.noActionsYet}</p> : null}
        {rows.map((row, i) => (
          // Rows have no identity of their own until saved; their position is their key.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <div key={i} className="form-grid">
            <Field
              id={`remedy-action-${i}-department`}
              label={t.remedy.department(i + 1)}
              error={errors[`actions.${i}.department`]}
            >
              {(aria) => (
                <select
                  {...aria}
                  value={row.department}
                  onChange={(e) => setRow(i, { department: e.target.value })}
                >
                  {props.departments.map((d) => (
                    <option key={d} value={d}>
                      {words(d)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              id={`remedy-action-${i}-task`}
              label={t.remedy.task(i + 1)}
              error={errors[`actions.${i}.task`]}
            >
              {(aria) => (
                <input {...aria} value={row.task} onChange={(e) => setRow(i, { task: e.target.value })} />
              )}
            </Field>
            <Field
              id={`remedy-action-${i}-due`}
              label={t.remedy.due(i + 1)}
              error={errors[`actions.${i}.dueAt`]}
            >
              {(aria) => (
                <input
                  {...aria}
                  type="datetime-local"
                  value={row.dueAt}
                  onChange={(e) => setRow(i, { dueAt: e.target.value })}
                />
              )}
            </Field>
            <div className="buttons">
              <button
                type="button"
                className="secondary"
                onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
              >
                {t.remedy.removeAction(i + 1)}
              </button>
            </div>
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => setRows((all) => [...all, { department: firstDepartment, task: '', dueAt: '' }])}
        >
          {t.remedy.addAction}
        </button>
      </fieldset>
      <button type="submit" disabled={busy}>
        {t.remedy.propose}
      </button>
    </form>
  );
}

function Decide(props: StepProps & { remedy: RemedyView }) {
  const { send, failure, errors, busy } = useStep(props);
  const [reason, setReason] = useState('');
  const decide = (approve: boolean) =>
    void send(`remedies/${props.remedy.id}/decision`, remedyDecisionSchema, {
      approve,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
  return (
    <div className="action">
      <Alert error={failure} />
      <Field id={`remedy-${props.remedy.id}-reason`} label={t.remedy.decisionReason} error={errors.reason}>
        {(aria) => <input {...aria} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="buttons">
        <button type="button" disabled={busy} onClick={() => decide(true)}>
          {t.remedy.approve}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => decide(false)}>
          {t.remedy.reject}
        </button>
      </div>
    </div>
  );
}

function Offer(props: StepProps & { remedy: RemedyView }) {
  const { send, failure, busy } = useStep(props);
  return (
    <div className="action">
      <Alert error={failure} />
      <button
        type="button"
        disabled={busy}
        onClick={() => void send(`remedies/${props.remedy.id}/offer`, undefined, {})}
      >
        {t.remedy.offer}
      </button>
    </div>
  );
}

function RecordAnswer(props: StepProps & { remedy: RemedyView }) {
  const { send, failure, errors, busy } = useStep(props);
  const [answer, setAnswer] = useState('agreed');
  const [how, setHow] = useState<string>('phone');
  const [answeredAt, setAnsweredAt] = useState('');
  const [note, setNote] = useState('');
  const id = (name: string) => `remedy-${props.remedy.id}-${name}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(`remedies/${props.remedy.id}/answer`, remedyAnswerSchema, {
      answer,
      how,
      ...(answeredAt ? { answeredAt: new Date(answeredAt).toISOString() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="action" aria-labelledby={id('answer-title')}>
      <h4 id={id('answer-title')}>{t.remedy.recordAnswer}</h4>
      <Alert error={failure} />
      <Field id={id('answer')} label={t.remedy.answer} error={errors.answer}>
        {(aria) => (
          <select {...aria} value={answer} onChange={(e) => setAnswer(e.target.value)}>
            <option value="agreed">{t.remedy.answers.agreed}</option>
            <option value="refused">{t.remedy.answers.refused}</option>
          </select>
        )}
      </Field>
      <Field id={id('how')} label={t.remedy.how} error={errors.how}>
        {(aria) => (
          <select {...aria} value={how} onChange={(e) => setHow(e.target.value)}>
            {answerChannels.map((c) => (
              <option key={c} value={c}>
                {t.remedy.channels[c] ?? c}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={id('answered-at')} label={t.remedy.answeredAt} error={errors.answeredAt}>
        {(aria) => (
          <input
            {...aria}
            type="datetime-local"
            value={answeredAt}
            onChange={(e) => setAnsweredAt(e.target.value)}
          />
        )}
      </Field>
      <Field id={id('note')} label={t.fields.note} error={errors.note}>
        {(aria) => <input {...aria} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {t.remedy.recordAnswer}
      </button>
    </form>
  );
}

function MarkDone(props: StepProps & { remedy: RemedyView; action: RemedyActionView }) {
  const { send, failure, busy } = useStep(props);
  return (
    <>
      <Alert error={failure} />
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void send(`remedies/${props.remedy.id}/actions/${props.action.id}/done`, undefined, {})
        }
      >
        {t.remedy.markDone(words(props.action.department))}
      </button>
    </>
  );
}

function RemedyCard(props: StepProps & { remedy: RemedyView }) {
  const r = props.remedy;
  const can = (step: RemedyView['allowedActions'][number]) => r.allowedActions.includes(step);
  return (
    <article className="remedy" aria-labelledby={`remedy-${r.id}-title`} data-testid={`remedy-${r.id}`}>
      <h3 id={`remedy-${r.id}-title`}>
        {t.remedy.kinds[r.kind] ?? r.kind}
        {r.amount !== undefined ? ` · ${money(r)}` : ''}{' '}
        <span className="badge" data-testid="remedy-status">
          {r.awaitingApproval ? t.remedy.awaitingApproval : (t.remedy.statuses[r.status] ?? r.status)}
        </span>
      </h3>
      <p>{r.description}</p>
      <dl className="details">
        <dt>{t.remedy.proposed}</dt>
        <dd>{t.remedy.byAt(r.proposedBy, formatTime(r.proposedAt))}</dd>
        {r.decision ? (
          <>
            <dt>{r.decision.approved ? t.remedy.approved : t.remedy.rejected}</dt>
            <dd>
              {t.remedy.byAt(r.decision.by, formatTime(r.decision.at))}
              {r.decision.reason ? ` · ${r.decision.reason}` : ''}
            </dd>
          </>
        ) : null}
        {r.offer ? (
          <>
            <dt>{t.remedy.offered}</dt>
            <dd>{t.remedy.byAt(r.offer.by, formatTime(r.offer.at))}</dd>
          </>
        ) : null}
        {r.answer ? (
          <>
            <dt>{t.remedy.customerAnswer}</dt>
            <dd data-testid="remedy-answer">
              {t.remedy.answerLine(
                t.remedy.answers[r.answer.answer] ?? r.answer.answer,
                t.remedy.channels[r.answer.how] ?? r.answer.how,
                formatTime(r.answer.answeredAt),
                r.answer.recordedBy,
              )}
              {r.answer.note ? ` · ${r.answer.note}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {r.actions.length > 0 ? (
        <DataTable
          columns={[
            { header: t.fields.department, cell: (a) => words(a.department) },
            { header: t.remedy.taskHeader, cell: (a) => a.task },
            { header: t.remedy.dueHeader, cell: (a) => formatTime(a.dueAt) },
            {
              header: t.fields.status,
              cell: (a) => (
                <>
                  {t.remedy.actionStatuses[a.status] ?? a.status}
                  {a.doneBy ? ` · ${t.remedy.byAt(a.doneBy, formatTime(a.doneAt))}` : ''}
                  {a.escalatedAt ? <span className="badge badge-breach">{t.remedy.late}</span> : null}
                  {a.status === 'open' && can('completeRemedyAction') ? (
                    <MarkDone {...props} action={a} />
                  ) : null}
                </>
              ),
            },
          ]}
          rows={r.actions}
          rowKey={(a) => a.id}
          rowAttributes={(a) => ({ className: a.escalatedAt && a.status === 'open' ? 'overdue' : '' })}
          caption={t.remedy.departmentActions}
          className="compact"
        />
      ) : null}
      {can('decideRemedy') ? <Decide {...props} /> : null}
      {can('offerRemedy') ? <Offer {...props} /> : null}
      {can('recordRemedyAnswer') ? <RecordAnswer {...props} /> : null}
    </article>
  );
}

/** The complaint page's remedy card: the remedies, their steps, and a new proposal. */
export function RemediesSection(props: StepProps & { departments: readonly string[] }) {
  const remedies = props.ticket.remedies ?? [];
  const allowed = props.ticket.allowedActions;
  const step = { ticket: props.ticket, onDone: props.onDone, onConflict: props.onConflict };
  return (
    <section className="card" aria-labelledby="remedies-title">
      <h2 id="remedies-title">{t.remedy.title}</h2>
      {remedies.length === 0 ? <p>{t.remedy.none}</p> : null}
      {remedies.map((r) => (
        <RemedyCard key={`${r.id}-${props.ticket.version}`} {...step} remedy={r} />
      ))}
      {allowed.includes('proposeRemedy') ? (
        <ProposeRemedy key={`propose-${props.ticket.version}`} {...step} departments={props.departments} />
      ) : null}
    </section>
  );
}

/** Detail of a remedy event for the timeline. */
export function describeRemedyEvent(e: { type: string; data: Record<string, unknown> }): string[] {
  if (!e.type.startsWith('remedy_')) return [];
  const d = e.data;
  const parts: string[] = [];
  if (typeof d.kind === 'string') parts.push(t.remedy.kinds[d.kind] ?? d.kind);
  if (typeof d.amount === 'number')
    parts.push(money({ amount: d.amount, currency: String(d.currency ?? '') }));
  if (d.needsApproval === true) parts.push(t.remedy.needsApproval);
  if (typeof d.approved === 'boolean') parts.push(d.approved ? t.remedy.approved : t.remedy.rejected);
  if (typeof d.answer === 'string') parts.push(t.remedy.answers[d.answer] ?? d.answer);
  if (typeof d.how === 'string') parts.push(t.remedy.channels[d.how] ?? d.how);
  if (d.late === true) parts.push(t.remedy.late);
  return parts;
}
