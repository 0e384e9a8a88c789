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
  if (!session) return <SignInPage config={config} onSignedIn={setSession} />;

  const context: AppContextValue = { config, session, api, clockOffset, refreshClock, navigate };
  const pathname = path.split('?')[0] ?? '/';
  const complaintId = /^\/complaints\/(\d+)$/.exec(pathname)?.[1];
  const links: [string, string, boolean][] = [
    ['/', t.nav.queue, true],
    ['/intake', t.nav.intake, true],
    ['/callbacks', t.nav.callbacks, true],
    ['/reports', t.nav.reports, hasRole(session, 'supervisor')],
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
