import { useState } from 'react';
import { formatTime, useApp } from '../../app-context';
import { t } from '../../i18n';
import { Alert } from '../../ui';

/** The API's answer to `POST /api/tickets/{id}/promise` (201). */
export interface AnswerPromiseBooked {
  jobId: string;
  promisedAt: string;
  dueAt: string;
  callAt: string;
}

/**
 * "Promise an answer within half an hour" on an open complaint: books a callback due in 30 minutes
 * (no body, no If-Match: the promise is an event beside the complaint, not a change of it). Shows the booked
 * call time, or the API's message when refused (409: closed, or a promise is still open).
 */
export function AnswerPromiseSection(props: { ticketId: string; onDone(): void }) {
  const { api } = useApp();
  const [booked, setBooked] = useState<AnswerPromiseBooked>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const promise = async () => {
    setFailure(undefined);
    setBooked(undefined);
    setBusy(true);
    try {
      setBooked(await api.post<AnswerPromiseBooked>(`/api/tickets/${props.ticketId}/promise`, undefined));
      props.onDone();
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="action" aria-labelledby="promise-title">
      <h3 id="promise-title">{t.complaint.promise}</h3>
      <p className="hint">{t.complaint.promiseHint}</p>
      <Alert error={failure} />
      {booked ? (
        <p role="status" data-testid="promise-booked">
          {t.complaint.promised(formatTime(booked.callAt))}
        </p>
      ) : null}
      <button type="button" disabled={busy} onClick={() => void promise()}>
        {t.complaint.promise}
      </button>
    </section>
  );
}
