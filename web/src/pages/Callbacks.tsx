import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { formatTime, useApp } from '../app-context';
import { t } from '../i18n';
import { Alert, Link, PageTitle } from '../ui';

/** A call job as the callbacks API lists it; read loosely, since that API lands separately. */
interface CallJob {
  id?: string;
  jobId?: string;
  kind?: string;
  state?: string;
  status?: string;
  due?: string;
  dueAt?: string;
  attempt?: number;
  attempts?: number;
  ticketId?: string;
}

export function CallbacksPage() {
  const { api, navigate } = useApp();
  const [items, setItems] = useState<CallJob[]>();
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    api.get<{ items: CallJob[] }>('/api/callbacks').then(
      (page) => setItems(page.items ?? []),
      (err: unknown) => {
        // 404 / 405: the callbacks API is not deployed in this build yet.
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) setMissing(true);
        else setError(err);
      },
    );
  }, [api]);

  return (
    <>
      <PageTitle>{t.callbacks.title}</PageTitle>
      {missing ? <p className="alert alert-info">{t.common.notAvailable}</p> : null}
      <Alert error={error} />
      {items && items.length === 0 ? <p>{t.callbacks.empty}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.callbacks.due}</th>
                <th scope="col">{t.callbacks.kind}</th>
                <th scope="col">{t.callbacks.state}</th>
                <th scope="col">{t.callbacks.attempts}</th>
                <th scope="col">{t.fields.ticket}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((job, i) => (
                <tr key={job.id ?? job.jobId ?? i}>
                  <td>{formatTime(job.due ?? job.dueAt)}</td>
                  <td>{job.kind ?? t.common.none}</td>
                  <td>{job.state ?? job.status ?? t.common.none}</td>
                  <td>{job.attempts ?? job.attempt ?? 0}</td>
                  <td>
                    {job.ticketId ? (
                      <Link to={`/complaints/${job.ticketId}`} navigate={navigate}>
                        {job.ticketId}
                      </Link>
                    ) : (
                      t.common.none
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
