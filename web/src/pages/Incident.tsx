import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { IncidentDetail, IncidentView } from '#shared/domain/incident';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';
import { Alert, Field, Link, PageTitle } from '../ui';

type Incident = IncidentView;
type Detail = IncidentDetail;

/** Incidents, newest first (open ones on top). */
export function IncidentListPage() {
  const { api, navigate } = useApp();
  const readPage = useCallback(() => api.get<{ items: Incident[] }>('/api/incidents'), [api]);
  const list = usePagedList(readPage);
  const columns: Column<Incident>[] = [
    {
      header: t.incident.what,
      cell: (i) => (
        <Link to={`/incidents/${i.id}`} navigate={navigate}>
          {i.what}
        </Link>
      ),
    },
    { header: t.incident.where, cell: (i) => i.where },
    { header: t.incident.since, cell: (i) => formatTime(i.since) },
    { header: t.incident.state, cell: (i) => t.publicStatus.states[i.state] },
    { header: t.incident.latest, cell: (i) => i.latestUpdate.message },
  ];
  return (
    <>
      <PageTitle>{t.incident.listTitle}</PageTitle>
      <DataTable
        columns={columns}
        rows={list.items}
        rowKey={(i) => i.id}
        empty={t.incident.none}
        error={list.error}
        quietWhileLoading
      />
    </>
  );
}

/** One incident for staff: updates, linked complaints by category, and what a supervisor may do. */
export default function IncidentPage({ id }: { id: string }) {
  const { api, navigate, session } = useApp();
  const [detail, setDetail] = useState<Detail>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [update, setUpdate] = useState({ message: '', estimate: '', notify: true });
  const [linkNumber, setLinkNumber] = useState('');
  const [close, setClose] = useState({ message: '', allClearBroadcast: true, resolveLinked: true });
  const supervisor = hasRole(session, 'supervisor');

  const load = useCallback(() => {
    api.get<Detail>(`/api/incidents/${id}`).then(setDetail, setError);
  }, [api, id]);
  useEffect(load, [load]);

  const act = async (work: () => Promise<string>) => {
    setError(undefined);
    try {
      setNotice(await work());
      load();
    } catch (err) {
      setError(err);
    }
  };

  const postUpdate = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const res = await api.post<{ notified?: { owed: number; already: number } }>(
        `/api/incidents/${id}/updates`,
        {
          message: update.message,
          ...(update.estimate ? { estimate: new Date(update.estimate).toISOString() } : {}),
          notifyComplainants: update.notify,
        },
      );
      setUpdate({ message: '', estimate: '', notify: true });
      return res.notified ? t.incident.notified(res.notified.owed, res.notified.already) : t.incident.updated;
    });
  };

  const link = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api.post(`/api/incidents/${id}/complaints`, { ticketId: linkNumber.trim() });
      setLinkNumber('');
      return t.incident.linked;
    });
  };

  const closeIncident = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const res = await api.post<{
        allClear: { queued: number };
        resolved?: { resolved: number; leftOpen: number };
      }>(`/api/incidents/${id}/close`, {
        message: close.message,
        allClearBroadcast: close.allClearBroadcast,
        resolveLinked: close.resolveLinked,
      });
      return t.incident.closed(res.allClear.queued, res.resolved?.resolved ?? 0, res.resolved?.leftOpen ?? 0);
    });
  };

  if (!detail) return error ? <Alert error={error} /> : <p className="loading">{t.common.loading}</p>;
  const { incident } = detail;
  return (
    <>
      <PageTitle>{`${incident.what}: ${incident.where}`}</PageTitle>
      <Alert error={error} />
      <Alert error={notice} kind="info" />
      <div className="complaint-grid">
        <section className="card" aria-labelledby="incident-facts">
          <h2 id="incident-facts">{t.incident.facts}</h2>
          <dl className="details">
            <dt>{t.incident.state}</dt>
            <dd>{t.publicStatus.states[incident.state]}</dd>
            <dt>{t.incident.since}</dt>
            <dd>{formatTime(incident.since)}</dd>
            <dt>{t.incident.severity}</dt>
            <dd>{incident.severity}</dd>
            <dt>{t.incident.broadcast}</dt>
            <dd>
              <Link to={`/broadcasts/${incident.broadcastId}`} navigate={navigate}>
                {detail.broadcast
                  ? t.incident.broadcastCounts(
                      detail.broadcast.state,
                      detail.broadcast.counts.confirmed ?? 0,
                      detail.broadcast.recipientCount,
                    )
                  : incident.broadcastId}
              </Link>
            </dd>
            <dt>{t.incident.publicPage}</dt>
            <dd>
              <a href={`/status/incidents/${incident.id}`}>{`/status/incidents/${incident.id}`}</a>
            </dd>
          </dl>
          <h3>{t.incident.updates}</h3>
          <ol className="timeline">
            {[...incident.updates].reverse().map((u) => (
              <li key={u.n}>
                <strong>{`#${u.n} ${formatTime(u.at)}`}</strong>{' '}
                {u.allClear ? `(${t.incident.allClear}) ` : ''}
                {u.message}
                {u.estimate ? ` ${t.incident.estimateShort(formatTime(u.estimate))}` : ''}
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="incident-complaints">
          <h2 id="incident-complaints">{t.incident.complaints(detail.complaints.length)}</h2>
          <p>
            {Object.entries(detail.countsByCategory)
              .map(([category, n]) => `${category}: ${n}`)
              .join(', ') || t.incident.noComplaints}
          </p>
          {detail.complaints.length > 0 ? (
            <DataTable
              columns={[
                {
                  header: t.fields.ticket ?? 'Complaint',
                  cell: (c) => (
                    <Link to={`/complaints/${c.ticketId}`} navigate={navigate}>
                      {c.ticketId}
                    </Link>
                  ),
                },
                { header: t.incident.category, cell: (c) => c.category },
                { header: t.incident.status, cell: (c) => t.statuses[c.status] ?? c.status },
                { header: t.incident.how, cell: (c) => t.incident.reasons[c.reason] ?? c.reason },
                {
                  header: t.incident.told,
                  cell: (c) => c.notified.map((x) => `#${x.n}`).join(' ') || t.common.none,
                },
                {
                  header: <span className="visually-hidden">{t.incident.unlink}</span>,
                  cell: (c) => (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() =>
                        void act(async () => {
                          await api.del(`/api/incidents/${id}/complaints/${c.ticketId}`);
                          return t.incident.unlinked;
                        })
                      }
                    >
                      {t.incident.unlink}
                    </button>
                  ),
                },
              ]}
              rows={detail.complaints}
              rowKey={(c) => c.ticketId}
              className="compact"
            />
          ) : null}
          <form className="inline-form" onSubmit={link}>
            <Field id="incident-link" label={t.incident.linkLabel}>
              {(aria) => (
                <input
                  {...aria}
                  inputMode="numeric"
                  value={linkNumber}
                  onChange={(e) => setLinkNumber(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" disabled={!linkNumber.trim()}>
              {t.incident.link}
            </button>
          </form>
        </section>
      </div>
      {supervisor && incident.state === 'open' ? (
        <div className="complaint-grid">
          <form className="card" onSubmit={postUpdate} aria-labelledby="incident-update-title">
            <h2 id="incident-update-title">{t.incident.postUpdate}</h2>
            <Field id="incident-update-message" label={t.incident.message}>
              {(aria) => (
                <textarea
                  {...aria}
                  required
                  maxLength={1000}
                  value={update.message}
                  onChange={(e) => setUpdate({ ...update, message: e.target.value })}
                />
              )}
            </Field>
            <Field id="incident-update-estimate" label={t.incident.estimate}>
              {(aria) => (
                <input
                  {...aria}
                  type="datetime-local"
                  value={update.estimate}
                  onChange={(e) => setUpdate({ ...update, estimate: e.target.value })}
                />
              )}
            </Field>
            <label>
              <input
                type="checkbox"
                checked={update.notify}
                onChange={(e) => setUpdate({ ...update, notify: e.target.checked })}
              />{' '}
              {t.incident.notify}
            </label>
            <div className="buttons">
              <button type="submit" disabled={!update.message.trim()}>
                {t.incident.postUpdate}
              </button>
            </div>
          </form>
          <form className="card" onSubmit={closeIncident} aria-labelledby="incident-close-title">
            <h2 id="incident-close-title">{t.incident.close}</h2>
            <Field id="incident-close-message" label={t.incident.allClearMessage}>
              {(aria) => (
                <textarea
                  {...aria}
                  required
                  maxLength={1000}
                  value={close.message}
                  onChange={(e) => setClose({ ...close, message: e.target.value })}
                />
              )}
            </Field>
            <label>
              <input
                type="checkbox"
                checked={close.allClearBroadcast}
                onChange={(e) => setClose({ ...close, allClearBroadcast: e.target.checked })}
              />{' '}
              {t.incident.allClearBroadcast}
            </label>
            <label>
              <input
                type="checkbox"
                checked={close.resolveLinked}
                onChange={(e) => setClose({ ...close, resolveLinked: e.target.checked })}
              />{' '}
              {t.incident.resolveLinked}
            </label>
            <div className="buttons">
              <button type="submit" disabled={!close.message.trim()}>
                {t.incident.close}
              </button>
            </div>
          </form>
        </div>
      ) : null}
      <section className="card" aria-labelledby="incident-events">
        <h2 id="incident-events">{t.incident.events}</h2>
        <ol className="timeline">
          {detail.events.map((e) => (
            <li key={`${e.at}-${e.type}-${e.actor}`}>
              {`${formatTime(e.at)} · ${t.incident.eventTypes[e.type] ?? e.type} · ${e.actor}`}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
