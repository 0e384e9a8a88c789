import { lazy, type ReactElement, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { apiClient } from './api';
import { AppContext, type AppContextValue } from './app-context';
import { completeProviderSignIn, currentSession, hasRole, type Session, signOut, topRole } from './auth';
import { type PortalConfig, portalConfig } from './config';
import { t } from './i18n';
import { AuditPage } from './pages/Audit';
import { CallbacksPage } from './pages/Callbacks';
import { ComplaintPage } from './pages/Complaint';
import { IntakePage } from './pages/Intake';
import { QueuePage } from './pages/Queue';
import { SignInPage } from './pages/SignIn';
import { Alert, Link } from './ui';

// Charts load only when someone opens the reports.
const ReportsPage = lazy(() => import('./pages/Reports'));
// The registry, block list and broadcast console load on first visit too.
const BlockListPage = lazy(() => import('./pages/BlockList'));
const CustomersPage = lazy(() => import('./pages/Customers'));
const BroadcastsPage = lazy(() => import('./pages/Broadcasts'));
// Incidents (staff) and the public status page (no sign-in).
const IncidentPage = lazy(() => import('./pages/Incident'));
const IncidentListPage = lazy(() =>
  import('./pages/Incident').then((m) => ({ default: m.IncidentListPage })),
);
const PublicStatusPage = lazy(() => import('./pages/PublicStatus'));

function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const onPop = () => setPath(location.pathname + location.search);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(to);
    scrollTo(0, 0);
  }, []);
  return [path, navigate];
}

export function App() {
  const [config, setConfig] = useState<PortalConfig>();
  const [failure, setFailure] = useState<unknown>();
  const [session, setSession] = useState<Session | undefined>(() => currentSession());
  const [clockOffset, setClockOffset] = useState(0);
  const [path, navigate] = usePath();

  useEffect(() => {
    portalConfig().then(setConfig, setFailure);
  }, []);

  const refreshClock = useCallback(async () => {
    if (!config?.clockUrl) return;
    const res = await fetch(config.clockUrl, { cache: 'no-store' }).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { now?: string } | undefined;
    if (body?.now) setClockOffset(Date.parse(body.now) - Date.now());
  }, [config]);

  useEffect(() => {
    void refreshClock();
  }, [refreshClock]);

  // Back from the hosted sign-in page (deployed).
  useEffect(() => {
    if (!config || !location.pathname.startsWith('/auth/callback')) return;
    completeProviderSignIn(config).then((s) => {
      setSession(s);
      navigate('/');
    }, setFailure);
  }, [config, navigate]);

  const expire = useCallback(() => setSession(undefined), []);
  const api = useMemo(() => (config ? apiClient(config, expire) : undefined), [config, expire]);

  if (failure) return <Alert error={failure} />;
  if (!config || !api) return <p className="loading">{t.common.loading}</p>;
  if (path.startsWith('/auth/callback')) return <p className="loading">{t.signIn.completing}</p>;
  const publicIncidentId = /^\/status\/incidents\/([a-z0-9]+)$/.exec(path.split('?')[0] ?? '')?.[1];
  if (publicIncidentId)
    return (
      <Suspense fallback={<p className="loading">{t.common.loading}</p>}>
        <PublicStatusPage config={config} id={publicIncidentId} />
      </Suspense>
    );
  if (!session) return <SignInPage config={config} onSignedIn={setSession} />;

  const context: AppContextValue = { config, session, api, clockOffset, refreshClock, navigate };
  const pathname = path.split('?')[0] ?? '/';
  const complaintId = /^\/complaints\/(\d+)$/.exec(pathname)?.[1];
  const customerAccount = /^\/customers\/([^/]+)$/.exec(pathname)?.[1];
  const broadcastId = /^\/broadcasts\/([a-z0-9]+)$/.exec(pathname)?.[1];
  const incidentId = /^\/incidents\/([a-z0-9]+)$/.exec(pathname)?.[1];
  const lazyPage = (element: ReactElement) => (
    <Suspense fallback={<p className="loading">{t.common.loading}</p>}>{element}</Suspense>
  );
  const links: [string, string, boolean][] = [
    ['/', t.nav.queue, true],
    ['/intake', t.nav.intake, true],
    ['/callbacks', t.nav.callbacks, true],
    ['/reports', t.nav.reports, hasRole(session, 'supervisor')],
    ['/customers', t.nav.customers, true],
    ['/block-list', t.nav.blockList, true],
    ['/broadcasts', t.nav.broadcasts, hasRole(session, 'supervisor')],
    ['/incidents', t.nav.incidents, true],
    ['/audit', t.nav.audit, hasRole(session, 'admin')],
  ];

  let page: ReactElement;
  if (complaintId) page = <ComplaintPage key={complaintId} id={complaintId} />;
  else if (pathname === '/intake') page = <IntakePage />;
  else if (pathname === '/callbacks') page = <CallbacksPage />;
  else if (pathname === '/audit') page = <AuditPage />;
  else if (pathname === '/reports')
    page = (
      <Suspense fallback={<p className="loading">{t.common.loading}</p>}>
        <ReportsPage />
      </Suspense>
    );
  else if (pathname === '/block-list') page = lazyPage(<BlockListPage />);
  else if (pathname === '/customers' || customerAccount)
    page = lazyPage(
      <CustomersPage account={customerAccount ? decodeURIComponent(customerAccount) : undefined} />,
    );
  else if (pathname === '/broadcasts' || broadcastId) page = lazyPage(<BroadcastsPage id={broadcastId} />);
  else if (incidentId) page = lazyPage(<IncidentPage key={incidentId} id={incidentId} />);
  else if (pathname === '/incidents') page = lazyPage(<IncidentListPage />);
  else page = <QueuePage />;

  return (
    <AppContext.Provider value={context}>
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="top">
        <span className="brand">{t.appName}</span>
        <nav aria-label="Main">
          <ul>
            {links
              .filter(([, , shown]) => shown)
              .map(([to, label]) => (
                <li key={to}>
                  <Link
                    to={to}
                    navigate={navigate}
                    className={pathname === to || (to === '/' && pathname === '/queue') ? 'active' : ''}
                  >
                    {label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <span className="who">{t.nav.signedInAs(session.username, t.roles[topRole(session)] ?? '')}</span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void signOut(config);
            setSession(undefined);
            navigate('/');
          }}
        >
          {t.nav.signOut}
        </button>
      </header>
      <main id="main">{page}</main>
    </AppContext.Provider>
  );
}
