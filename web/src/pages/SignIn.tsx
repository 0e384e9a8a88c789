import { type FormEvent, useState } from 'react';
import { type Role, type Session, signInLocally, signInWithProvider } from '../auth';
import type { PortalConfig } from '../config';
import { t } from '../i18n';
import { Alert, Field, PageTitle } from '../ui';

export function SignInPage({ config, onSignedIn }: { config: PortalConfig; onSignedIn(s: Session): void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (config.auth.mode === 'local') onSignedIn(await signInLocally(config, username.trim(), role));
      else await signInWithProvider(config);
    } catch (err) {
      setError(`${t.signIn.failed}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <PageTitle>
        {t.appName} · {t.signIn.title}
      </PageTitle>
      <Alert error={error} />
      <form onSubmit={submit} className="card">
        {config.auth.mode === 'local' ? (
          <>
            <p className="hint">{t.signIn.localHint}</p>
            <Field id="username" label={t.signIn.username}>
              {(aria) => (
                <input
                  {...aria}
                  name="username"
                  autoComplete="username"
                  required
                  pattern="[\w.@\-]{1,64}"
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                />
              )}
            </Field>
            <Field id="role" label={t.signIn.role}>
              {(aria) => (
                <select {...aria} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                  {(['agent', 'supervisor', 'admin'] as const).map((r) => (
                    <option key={r} value={r}>
                      {t.roles[r]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" disabled={busy}>
              {t.signIn.submit}
            </button>
          </>
        ) : (
          <button type="submit" disabled={busy}>
            {t.signIn.withProvider}
          </button>
        )}
      </form>
    </main>
  );
}
