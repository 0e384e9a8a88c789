import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { t } from '../i18n';
import { Alert, Field, Link, PageTitle } from '../ui';

interface IncidentUpdate {
  n: number;
  at: string;
  by: string;
  message: string;
  estimate?: string;
  allClear?: boolean;
}

interface Incident {
  id: string;
  broadcastId: string;
  what: string;
  where: string;
  since: string;
  severity: string;
  state: 'open' | 'closed';
  closedAt?: string;
  closeReason?: string;
  updates: IncidentUpdate[];
  latestUpdate: IncidentUpdate;
}

interface LinkedComplaint {
  ticketId: string;
  category: string;
  channel: string;
  registeredAt: string;
  reason: string;
  cause: boolean;
  status: string;
  notified: { n: number }[];
}

interface Detail {
  incident: Incident;
  complaints: LinkedComplaint[];
  countsByCategory: Record<string, number>;
  events: { type: string; at: string; actor: string }[];
  broadcast: { id: string; state: string; counts: Record<string, number>; recipientCount: number } | null;
}

/** Incidents, newest first (open ones on top). */
export function IncidentListPage() {
  const { api, navigate } = useApp();
  const [items, setItems] = useState<(Incident & { latestUpdate: IncidentUpdate })[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.get<{ items: Incident[] }>('/api/incidents').then((page) => setItems(page.items), setError);
  }, [api]);
  return (
    <>
      <PageTitle>{t.incident.listTitle}</PageTitle>
      <Alert error={error} />
      {items && items.length === 0 ? <p>{t.incident.none}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.incident.what}</th>
                <th scope="col">{t.incident.where}</th>
                <th scope="col">{t.incident.since}</th>
                <th scope="col">{t.incident.state}</th>
                <th scope="col">{t.incident.latest}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/incidents/${i.id}`} navigate={navigate}>
                      {i.what}
                    </Link>
                  </td>
                  <td>{i.where}</td>
                  <td>{formatTime(i.since)}</td>
                  <td>{t.publicStatus.states[i.state]}</td>
                  <td>{i.latestUpdate.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
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
      const res = await api.post<{ notified?: { emailed: number; called: number } }>(
        `/api/incidents/${id}/updates`,
        {
          message: update.message,
          ...(update.estimate ? { estimate: new Date(update.estimate).toISOString() } : {}),
          notifyComplainants: update.notify,
        },
      );
      setUpdate({ message: '', estimate: '', notify: true });
      return res.notified
        ? t.incident.notified(res.notified.emailed, res.notified.called)
        : t.incident.updated;
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
            <div className="table-wrap">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">{t.fields.ticket ?? 'Complaint'}</th>
                    <th scope="col">{t.incident.category}</th>
                    <th scope="col">{t.incident.status}</th>
                    <th scope="col">{t.incident.how}</th>
                    <th scope="col">{t.incident.told}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t.incident.unlink}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {detail.complaints.map((c) => (
                    <tr key={c.ticketId}>
                      <td>
                        <Link to={`/complaints/${c.ticketId}`} navigate={navigate}>
                          {c.ticketId}
                        </Link>
                      </td>
                      <td>{c.category}</td>
                      <td>{t.statuses[c.status] ?? c.status}</td>
                      <td>{t.incident.reasons[c.reason] ?? c.reason}</td>
                      <td>{c.notified.map((x) => `#${x.n}`).join(' ') || t.common.none}</td>
                      <td>
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
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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
