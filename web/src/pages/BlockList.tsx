import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { t } from '../i18n';
import { Alert, Field, PageTitle } from '../ui';

interface BlockEntry {
  phone: string;
  reason: string;
  blockedBy: string;
  blockedAt: string;
}

/** The hotline's block list: everyone on the desk may read it, supervisors block and unblock numbers. */
export default function BlockListPage() {
  const { api, session } = useApp();
  const canChange = hasRole(session, 'supervisor');
  const [items, setItems] = useState<BlockEntry[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await api.get<{ items: BlockEntry[]; nextCursor?: string }>(
          `/api/block-list?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
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

  const block = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    const missing: Record<string, string> = {};
    if (!phone.trim()) missing.phone = t.blockList.phoneRequired;
    if (!reason.trim()) missing.reason = t.blockList.reasonRequired;
    setFieldErrors(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    try {
      const entry = await api.put<BlockEntry>(`/api/block-list/${encodeURIComponent(phone.trim())}`, {
        reason: reason.trim(),
      });
      setPhone('');
      setReason('');
      await load();
      setDone(t.blockList.blocked(entry.phone));
    } catch (err) {
      if (err instanceof ApiError && err.field && ['phone', 'reason'].includes(err.field))
        setFieldErrors({ [err.field]: err.message });
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const unblock = async (entry: BlockEntry) => {
    setError(undefined);
    setDone(undefined);
    try {
      await api.del(`/api/block-list/${encodeURIComponent(entry.phone)}`);
      await load();
      setDone(t.blockList.unblocked(entry.phone));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageTitle>{t.blockList.title}</PageTitle>
      <p className="hint">{t.blockList.intro}</p>
      {canChange ? (
        <section className="card" aria-labelledby="block-title">
          <h2 id="block-title">{t.blockList.add}</h2>
          <form className="inline-form" onSubmit={block} aria-labelledby="block-title" noValidate>
            <Field id="block-phone" label={t.blockList.phone} error={fieldErrors.phone}>
              {(aria) => (
                <input
                  {...aria}
                  type="tel"
                  autoComplete="off"
                  value={phone}
                  onChange={(e) => setPhone(e.target.value)}
                />
              )}
            </Field>
            <Field id="block-reason" label={t.blockList.reason} error={fieldErrors.reason}>
              {(aria) => (
                <input {...aria} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
              )}
            </Field>
            <button type="submit" disabled={busy}>
              {t.blockList.submit}
            </button>
          </form>
        </section>
      ) : (
        <p className="alert alert-info">{t.blockList.readOnly}</p>
      )}
      {done ? (
        <p role="status" className="alert alert-info">
          {done}
        </p>
      ) : null}
      <Alert error={error} />
      {items === undefined ? (
        <p className="loading">{t.common.loading}</p>
      ) : items.length === 0 ? (
        <p>{t.blockList.empty}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t.blockList.count(items.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{t.blockList.phone}</th>
                <th scope="col">{t.blockList.reason}</th>
                <th scope="col">{t.blockList.blockedBy}</th>
                <th scope="col">{t.blockList.blockedAt}</th>
                {canChange ? <th scope="col">{t.blockList.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.phone} data-phone={entry.phone}>
                  <td>{entry.phone}</td>
                  <td>{entry.reason}</td>
                  <td>{entry.blockedBy}</td>
                  <td>{formatTime(entry.blockedAt)}</td>
                  {canChange ? (
                    <td>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t.blockList.unblockNumber(entry.phone)}
                        onClick={() => void unblock(entry)}
                      >
                        {t.blockList.unblock}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          {t.queue.more}
        </button>
      ) : null}
    </>
  );
}
