import { useEffect, useState } from 'react';
import type { PublicIncident } from '#shared/domain/incident';
import { formatTime } from '../app-context';
import type { PortalConfig } from '../config';
import { t } from '../i18n';
import { Alert, PageTitle } from '../ui';

/** The public status of an incident: anyone with the link, no sign-in. */
export default function PublicStatusPage({ config, id }: { config: PortalConfig; id: string }) {
  const [incident, setIncident] = useState<PublicIncident>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    fetch(`${config.apiBase}/api/status/incidents/${encodeURIComponent(id)}`, { cache: 'no-store' })
      .then(async (res) => {
        if (res.status === 404) throw new Error(t.publicStatus.notFound);
        if (!res.ok) throw new Error(t.errors.network);
        setIncident((await res.json()) as PublicIncident);
      })
      .catch(setError);
  }, [config, id]);

  return (
    <main id="main" className="public-status">
      <PageTitle>{incident ? `${incident.what}: ${incident.where}` : t.publicStatus.title}</PageTitle>
      <Alert error={error} />
      {!incident && !error ? <p className="loading">{t.common.loading}</p> : null}
      {incident ? (
        <section className="card" aria-labelledby="public-status-latest">
          <p className={`badge state-${incident.state}`}>{t.publicStatus.states[incident.state]}</p>
          <dl className="details">
            <dt>{t.publicStatus.where}</dt>
            <dd>{incident.where}</dd>
            <dt>{t.publicStatus.since}</dt>
            <dd>{formatTime(incident.since)}</dd>
            {incident.latestUpdate.estimate ? (
              <>
                <dt>{t.publicStatus.estimate}</dt>
                <dd>{formatTime(incident.latestUpdate.estimate)}</dd>
              </>
            ) : null}
            {incident.closedAt ? (
              <>
                <dt>{t.publicStatus.closedAt}</dt>
                <dd>{formatTime(incident.closedAt)}</dd>
              </>
            ) : null}
          </dl>
          <h2 id="public-status-latest">{t.publicStatus.latest(formatTime(incident.latestUpdate.at))}</h2>
          <p className="message">{incident.latestUpdate.message}</p>
        </section>
      ) : null}
    </main>
  );
}
