import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { BroadcastView, Recipient, RecipientPreview } from '#shared/domain/broadcast';
import { incidentSeverities, recipientStates } from '#shared/domain/broadcast-vocabulary';
import { newBroadcastSchema } from '#shared/http/broadcast-schemas';
import { ApiError } from '../api';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { ConfirmDialog, saveFile } from '../confirm-dialog';
import { t } from '../i18n';
import { Alert, Field, fieldErrors, Link, PageTitle, RefusedPage } from '../ui';

type Broadcast = BroadcastView;
type Preview = RecipientPreview;

/** How often the console reads the live counts of a running broadcast. */
const POLL_MS = 3000;
/** The recipient table reads the whole report on the server: at most this often while counts move. */
const RECIPIENTS_REFRESH_MS = 10_000;

/** `key`, but changing at most once per `ms` (the last change always arrives). */
function useThrottledKey(key: string, ms: number): string {
  const [current, setCurrent] = useState(key);
  const last = useRef(0);
  useEffect(() => {
    if (key === current) return;
    const wait = last.current + ms - Date.now();
    const apply = () => {
      last.current = Date.now();
      setCurrent(key);
    };
    if (wait <= 0) return apply();
    const timer = setTimeout(apply, wait);
    return () => clearTimeout(timer);
  }, [key, current, ms]);
  return current;
}

const splitList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function NewBroadcastForm() {
  const { api, navigate, clockOffset } = useApp();
  const [form, setForm] = useState({
    what: '',
    where: '',
    since: toLocalInput(Date.now() + clockOffset - 60_000),
    severity: 'crisis',
    message: '',
    emailSubject: '',
    emailText: '',
    districts: '',
    streets: '',
    segments: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const since = Date.parse(form.since);
    const input = {
      what: form.what,
      where: form.where,
      since: Number.isNaN(since) ? form.since : new Date(since).toISOString(),
      severity: form.severity,
      message: form.message,
      emailSubject: form.emailSubject,
      emailText: form.emailText,
      selection: {
        ...(splitList(form.districts).length ? { districts: splitList(form.districts) } : {}),
        ...(splitList(form.streets).length ? { streets: splitList(form.streets) } : {}),
        ...(splitList(form.segments).length ? { segments: splitList(form.segments) } : {}),
      },
    };
    // The same schema the API validates with: field errors before anything is sent.
    const parsed = newBroadcastSchema.safeParse(input);
    if (!parsed.success) {
      const found = fieldErrors(parsed.error.issues);
      if (found.selection) found.selection = t.broadcasts.selectionRequired;
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api.post<Broadcast>('/api/broadcasts', input);
      navigate(`/broadcasts/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.field)
        setErrors({ [err.field.split('.')[0] ?? err.field]: err.message });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const text = (key: 'what' | 'where' | 'emailSubject', label: string) => (
    <Field id={`incident-${key}`} label={label} error={errors[key]}>
      {(aria) => <input {...aria} value={form[key]} onChange={set(key)} />}
    </Field>
  );

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="incident-title" noValidate>
      <h2 id="incident-title" className="span-all">
        {t.broadcasts.newTitle}
      </h2>
      {text('what', t.broadcasts.what)}
      {text('where', t.broadcasts.where)}
      <Field id="incident-since" label={t.broadcasts.since} error={errors.since}>
        {(aria) => <input {...aria} type="datetime-local" value={form.since} onChange={set('since')} />}
      </Field>
      <Field id="incident-severity" label={t.broadcasts.severity} error={errors.severity}>
        {(aria) => (
          <select {...aria} value={form.severity} onChange={set('severity')}>
            {incidentSeverities.map((s) => (
              <option key={s} value={s}>
                {t.broadcasts.severities[s] ?? s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="span-all">
        <Field id="incident-message" label={t.broadcasts.message} error={errors.message}>
          {(aria) => <textarea {...aria} rows={3} value={form.message} onChange={set('message')} />}
        </Field>
      </div>
      {text('emailSubject', t.broadcasts.emailSubject)}
      <div className="span-all">
        <Field id="incident-emailText" label={t.broadcasts.emailText} error={errors.emailText}>
          {(aria) => <textarea {...aria} rows={3} value={form.emailText} onChange={set('emailText')} />}
        </Field>
      </div>
      <fieldset className="span-all area-selection" aria-describedby="selection-hint">
        <legend>{t.broadcasts.selection}</legend>
        <p className="hint" id="selection-hint">
          {t.broadcasts.selectionHint}
        </p>
        {errors.selection ? (
          <p className="field-error" role="alert">
            {errors.selection}
          </p>
        ) : null}
        <Field id="incident-districts" label={t.broadcasts.districts}>
          {(aria) => <input {...aria} value={form.districts} onChange={set('districts')} />}
        </Field>
        <Field id="incident-streets" label={t.broadcasts.streets}>
          {(aria) => <input {...aria} value={form.streets} onChange={set('streets')} />}
        </Field>
        <Field id="incident-segments" label={t.broadcasts.segments}>
          {(aria) => <input {...aria} value={form.segments} onChange={set('segments')} />}
        </Field>
      </fieldset>
      <Alert error={error} />
      <div className="buttons span-all">
        <button type="submit" disabled={busy}>
          {t.broadcasts.create}
        </button>
      </div>
    </form>
  );
}

function BroadcastList() {
  const { api, navigate } = useApp();
  const readPage = useCallback(() => api.get<{ items: Broadcast[] }>('/api/broadcasts?limit=50'), [api]);
  const list = usePagedList(readPage);
  const columns: Column<Broadcast>[] = [
    {
      header: t.broadcasts.what,
      cell: (b) => (
        <Link to={`/broadcasts/${b.id}`} navigate={navigate}>
          {b.what}
        </Link>
      ),
    },
    { header: t.broadcasts.where, cell: (b) => b.where },
    { header: t.broadcasts.severity, cell: (b) => t.broadcasts.severities[b.severity] ?? b.severity },
    { header: t.broadcasts.state, cell: (b) => t.broadcasts.states[b.state] ?? b.state },
    { header: t.broadcasts.createdAt, cell: (b) => formatTime(b.createdAt) },
    {
      header: t.broadcasts.confirmedOf,
      cell: (b) =>
        b.recipientCount === undefined ? t.common.none : `${b.counts.confirmed ?? 0} / ${b.recipientCount}`,
    },
  ];
  return (
    <>
      <PageTitle>{t.broadcasts.title}</PageTitle>
      <NewBroadcastForm />
      <section className="page-section" aria-labelledby="broadcast-list-title">
        <h2 id="broadcast-list-title">{t.broadcasts.listTitle}</h2>
        <DataTable
          columns={columns}
          rows={list.items}
          rowKey={(b) => b.id}
          rowAttributes={(b) => ({ 'data-broadcast': b.id })}
          empty={t.broadcasts.empty}
          error={list.error}
        />
      </section>
    </>
  );
}

const recipientColumns: Column<Recipient>[] = [
  { header: t.customers.account, cell: (r) => r.account },
  { header: t.customers.name, cell: (r) => r.name },
  { header: t.customers.address, cell: (r) => r.address },
  {
    header: t.broadcasts.contact,
    cell: (r) => [r.phone, r.email].filter(Boolean).join(' · ') || t.common.none,
  },
  {
    header: t.broadcasts.state,
    cell: (r) => (
      <>
        {t.broadcasts.recipientStates[r.state] ?? r.state}
        {r.confirmedAt ? ` ${formatTime(r.confirmedAt)}` : ''}
      </>
    ),
  },
  {
    header: t.broadcasts.attempts,
    cell: (r) => (
      <>
        {r.attempts.length === 0
          ? t.common.none
          : r.attempts.map((a) => `${a.n}: ${t.broadcasts.attemptResults[a.result] ?? a.result}`).join(', ')}
        {r.emailedAt ? ` · ${t.broadcasts.emailed}` : ''}
      </>
    ),
  },
];

function RecipientTable({ id, state, version }: { id: string; state: string; version: string }) {
  const { api } = useApp();
  const readPage = useCallback(
    (after?: string) => {
      const q = new URLSearchParams({ limit: '100' });
      if (state) q.set('state', state);
      if (after) q.set('cursor', after);
      return api.get<{ items: Recipient[]; nextCursor?: string }>(`/api/broadcasts/${id}/recipients?${q}`);
    },
    [api, id, state],
  );
  const list = usePagedList(readPage, version);
  return (
    <DataTable
      columns={recipientColumns}
      rows={list.items}
      rowKey={(r) => r.account}
      rowAttributes={(r) => ({ 'data-recipient': r.account })}
      empty={t.broadcasts.noRecipients}
      error={list.error}
      more={list.more}
      caption={(rows) => t.broadcasts.recipientCount(rows.length)}
      className="compact"
    />
  );
}

function BroadcastDetail({ id }: { id: string }) {
  const { api, navigate } = useApp();
  const [broadcast, setBroadcast] = useState<Broadcast>();
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState<'send' | 'cancel'>();
  const [stateFilter, setStateFilter] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setBroadcast(await api.get<Broadcast>(`/api/broadcasts/${id}`));
    } catch (err) {
      setError(err);
    }
  }, [api, id]);

  useEffect(() => {
    void load();
  }, [load]);

  const live = broadcast?.state === 'sending' || broadcast?.state === 'paused';
  // The recipient tables read again when a count moves (not on every poll of a quiet broadcast).
  const countsKey = useThrottledKey(
    `${broadcast?.state}:${JSON.stringify(broadcast?.counts ?? {})}`,
    RECIPIENTS_REFRESH_MS,
  );
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, load]);

  const countRecipients = useCallback(async () => {
    try {
      setPreview(await api.get<Preview>(`/api/broadcasts/${id}/preview`));
    } catch (err) {
      setError(err);
    }
  }, [api, id]);

  const isDraft = broadcast?.state === 'draft';
  useEffect(() => {
    if (isDraft) void countRecipients();
  }, [isDraft, countRecipients]);

  const act = async (action: 'send' | 'pause' | 'resume' | 'cancel') => {
    setError(undefined);
    setBusy(true);
    try {
      await api.post(`/api/broadcasts/${id}/${action}`, undefined);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const download = async (format: 'csv' | 'json') => {
    try {
      const blob = await api.download(`/api/broadcasts/${id}/report${format === 'csv' ? '?format=csv' : ''}`);
      saveFile(blob, `broadcast-${id}.${format}`);
    } catch (err) {
      setError(err);
    }
  };

  if (!broadcast)
    return (
      <>
        <PageTitle>{t.broadcasts.title}</PageTitle>
        <Alert error={error} />
        {error ? null : <p className="loading">{t.common.loading}</p>}
      </>
    );

  const selection = [
    ...(broadcast.selection.districts ?? []).map((d) => `${t.broadcasts.district} ${d}`),
    ...(broadcast.selection.streets ?? []).map((s) => `${t.broadcasts.street} ${s}`),
    ...(broadcast.selection.segments ?? []).map((s) => `${t.broadcasts.segment} ${s}`),
  ].join(', ');

  return (
    <>
      <PageTitle>{t.broadcasts.detailTitle(broadcast.what)}</PageTitle>
      <p>
        <Link to="/broadcasts" navigate={navigate}>
          {t.broadcasts.back}
        </Link>
      </p>
      <Alert error={error} />
      <div className="complaint-grid">
        <section className="card" aria-labelledby="incident-details">
          <h2 id="incident-details">{t.broadcasts.incident}</h2>
          <dl className="details">
            <dt>{t.broadcasts.state}</dt>
            <dd data-testid="broadcast-state">{t.broadcasts.states[broadcast.state] ?? broadcast.state}</dd>
            <dt>{t.broadcasts.where}</dt>
            <dd>{broadcast.where}</dd>
            <dt>{t.broadcasts.since}</dt>
            <dd>{formatTime(broadcast.since)}</dd>
            <dt>{t.broadcasts.severity}</dt>
            <dd>{t.broadcasts.severities[broadcast.severity] ?? broadcast.severity}</dd>
            <dt>{t.broadcasts.selection}</dt>
            <dd>{selection}</dd>
            <dt>{t.broadcasts.message}</dt>
            <dd>{broadcast.message}</dd>
            <dt>{t.broadcasts.emailSubject}</dt>
            <dd>{broadcast.emailSubject}</dd>
            <dt>{t.broadcasts.createdAt}</dt>
            <dd>
              {formatTime(broadcast.createdAt)} · {broadcast.createdBy}
            </dd>
            {broadcast.sentAt ? (
              <>
                <dt>{t.broadcasts.sentAt}</dt>
                <dd>
                  {formatTime(broadcast.sentAt)} · {broadcast.sentBy}
                </dd>
              </>
            ) : null}
            {broadcast.estimatedEndAt && live ? (
              <>
                <dt>{t.broadcasts.expectedEnd}</dt>
                <dd data-testid="expected-end">{formatTime(broadcast.estimatedEndAt)}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="card" aria-labelledby="broadcast-actions">
          <h2 id="broadcast-actions">{t.broadcasts.actions}</h2>
          {isDraft ? (
            <div data-testid="preview" aria-live="polite">
              {preview ? (
                <dl className="figures">
                  {(['customers', 'toCall', 'emailOnly', 'noContact'] as const).map((key) => (
                    <div className="figure" key={key}>
                      <dt className="figure-label">{t.broadcasts.previewLabels[key]}</dt>
                      <dd className="figure-value" data-preview={key}>
                        {preview[key]}
                      </dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <p className="loading">{t.common.loading}</p>
              )}
              {preview && preview.estimate.calls > 0 ? (
                <p data-testid="estimate">{t.broadcasts.estimate(preview.estimate)}</p>
              ) : null}
              <div className="buttons">
                <button type="button" className="secondary" onClick={() => void countRecipients()}>
                  {t.broadcasts.countAgain}
                </button>
                <button
                  type="button"
                  disabled={!preview || preview.customers === 0 || busy}
                  onClick={() => setConfirming('send')}
                >
                  {t.broadcasts.send}
                </button>
              </div>
            </div>
          ) : null}
          <div className="buttons">
            {broadcast.state === 'sending' ? (
              <button type="button" className="secondary" disabled={busy} onClick={() => void act('pause')}>
                {t.broadcasts.pause}
              </button>
            ) : null}
            {broadcast.state === 'paused' ? (
              <button type="button" disabled={busy} onClick={() => void act('resume')}>
                {t.broadcasts.resume}
              </button>
            ) : null}
            {['draft', 'sending', 'paused'].includes(broadcast.state) ? (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => setConfirming('cancel')}
              >
                {t.broadcasts.cancelBroadcast}
              </button>
            ) : null}
          </div>
          {!isDraft ? (
            <div className="buttons">
              <button type="button" className="secondary" onClick={() => void download('csv')}>
                {t.broadcasts.reportCsv}
              </button>
              <button type="button" className="secondary" onClick={() => void download('json')}>
                {t.broadcasts.reportJson}
              </button>
            </div>
          ) : null}
        </section>
      </div>
      {!isDraft ? (
        <section className="page-section" aria-labelledby="progress-title">
          <h2 id="progress-title">{t.broadcasts.progress}</h2>
          <p className="hint">{live ? t.broadcasts.liveHint : t.broadcasts.finalHint}</p>
          <dl className="figures" aria-live="polite">
            <div className="figure">
              <dt className="figure-label">{t.broadcasts.total}</dt>
              <dd className="figure-value" data-count="total">
                {broadcast.recipientCount ?? 0}
              </dd>
            </div>
            {recipientStates.map((s) => (
              <div className="figure" key={s}>
                <dt className="figure-label">{t.broadcasts.recipientStates[s] ?? s}</dt>
                <dd className="figure-value" data-count={s}>
                  {broadcast.counts[s] ?? 0}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {!isDraft ? (
        <section className="page-section" aria-labelledby="field-staff-title">
          <h2 id="field-staff-title">{t.broadcasts.fieldStaff}</h2>
          <p className="hint">{t.broadcasts.fieldStaffHint}</p>
          {/* The live count, not the one counted at send: the list fills as the fan-out writes recipients. */}
          <RecipientTable id={id} state="no_contact" version={String(broadcast.counts.no_contact ?? 0)} />
        </section>
      ) : null}
      {!isDraft ? (
        <section className="page-section" aria-labelledby="recipients-title">
          <h2 id="recipients-title">{t.broadcasts.recipients}</h2>
          <div className="filters card">
            <Field id="recipient-state" label={t.broadcasts.state}>
              {(aria) => (
                <select {...aria} value={stateFilter} onChange={(e) => setStateFilter(e.target.value)}>
                  <option value="">{t.common.any}</option>
                  {recipientStates.map((s) => (
                    <option key={s} value={s}>
                      {t.broadcasts.recipientStates[s] ?? s}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <RecipientTable id={id} state={stateFilter} version={countsKey} />
        </section>
      ) : null}
      <ConfirmDialog
        open={confirming === 'send'}
        title={t.broadcasts.confirmSendTitle}
        confirmLabel={t.broadcasts.confirmSend}
        onConfirm={() => void act('send')}
        onClose={() => setConfirming(undefined)}
      >
        <p>
          {t.broadcasts.confirmSendText(
            preview?.toCall ?? 0,
            preview?.emailOnly ?? 0,
            preview?.noContact ?? 0,
          )}
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'cancel'}
        title={t.broadcasts.confirmCancelTitle}
        confirmLabel={t.broadcasts.confirmCancel}
        dismissLabel={t.broadcasts.keepRunning}
        onConfirm={() => void act('cancel')}
        onClose={() => setConfirming(undefined)}
      >
        <p>{t.broadcasts.confirmCancelText}</p>
      </ConfirmDialog>
    </>
  );
}

/** The broadcast console: incidents, the recipients they reach, sending and live progress (supervisors). */
export default function BroadcastsPage({ id }: { id?: string | undefined }) {
  const { session } = useApp();
  if (!hasRole(session, 'supervisor'))
    return <RefusedPage title={t.broadcasts.title} reason={t.broadcasts.supervisorsOnly} />;
  return id ? <BroadcastDetail key={id} id={id} /> : <BroadcastList />;
}
