import { useCallback, useEffect, useState } from 'react';
import { formatTime, useApp } from '../app-context';
import { t } from '../i18n';
import { Alert } from '../ui';

interface CustomerAccess {
  at: string;
  username: string;
  action: string;
  account?: string;
  count?: number;
  phone?: string;
}

/** Who read, exported, imported or changed customer data and the block list (admins; newest first). */
export function CustomerAccessLog() {
  const { api } = useApp();
  const [items, setItems] = useState<CustomerAccess[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api.get<{ items: CustomerAccess[]; nextCursor?: string }>(
          `/api/customers/access-log?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
        );
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (err) {
        setError(err);
      }
    },
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="page-section" aria-labelledby="customer-access-title">
      <h2 id="customer-access-title">{t.accessLog.title}</h2>
      <p className="hint">{t.accessLog.intro}</p>
      <Alert error={error} />
      {items && items.length === 0 ? <p>{t.accessLog.empty}</p> : null}
      {items && items.length > 0 ? (
        <div className="table-wrap">
          <table className="compact" data-testid="customer-access-log">
            <thead>
              <tr>
                <th scope="col">{t.audit.when}</th>
                <th scope="col">{t.audit.who}</th>
                <th scope="col">{t.audit.what}</th>
                <th scope="col">{t.audit.detail}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={`${a.at}-${a.username}-${a.action}-${a.phone ?? a.account ?? a.count}`}>
                  <td>{formatTime(a.at)}</td>
                  <td>{a.username}</td>
                  <td>{t.accessLog.actions[a.action] ?? a.action}</td>
                  <td>
                    {a.phone ??
                      a.account ??
                      (a.count !== undefined ? t.accessLog.records(a.count) : t.common.none)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          {t.queue.more}
        </button>
      ) : null}
    </section>
  );
}
