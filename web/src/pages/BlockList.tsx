import { type FormEvent, useCallback, useState } from 'react';
import type { BlockEntry } from '#shared/domain/caller-screening';
import { ApiError } from '../api';
import { formatTime, useApp } from '../app-context';
import { hasRole } from '../auth';
import { type Column, DataTable } from '../components/DataTable';
import { usePagedList } from '../components/paged-list';
import { t } from '../i18n';
import { Field, PageTitle } from '../ui';

const blockColumns: Column<BlockEntry>[] = [
  { header: t.blockList.phone, cell: (entry) => entry.phone },
  { header: t.blockList.reason, cell: (entry) => entry.reason },
  { header: t.blockList.blockedBy, cell: (entry) => entry.blockedBy },
  { header: t.blockList.blockedAt, cell: (entry) => formatTime(entry.blockedAt) },
];

/** The hotline's block list: everyone on the desk may read it, supervisors block and unblock numbers. */
export default function BlockListPage() {
  const { api, session } = useApp();
  const canChange = hasRole(session, 'supervisor');
  const [done, setDone] = useState<string>();
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const readPage = useCallback(
    (after?: string) =>
      api.get<{ items: BlockEntry[]; nextCursor?: string }>(
        `/api/block-list?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
      ),
    [api],
  );
  const { items, error, setError, reload, more } = usePagedList(readPage);

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
      await reload();
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
      await reload();
      setDone(t.blockList.unblocked(entry.phone));
    } catch (err) {
      setError(err);
    }
  };

  const unblockColumn: Column<BlockEntry> = {
    header: t.blockList.actions,
    cell: (entry) => (
      <button
        type="button"
        className="secondary"
        aria-label={t.blockList.unblockNumber(entry.phone)}
        onClick={() => void unblock(entry)}
      >
        {t.blockList.unblock}
      </button>
    ),
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
      <DataTable
        columns={[...blockColumns, ...(canChange ? [unblockColumn] : [])]}
        rows={items}
        rowKey={(entry) => entry.phone}
        rowAttributes={(entry) => ({ 'data-phone': entry.phone })}
        empty={t.blockList.empty}
        error={error}
        more={more}
        caption={(rows) => t.blockList.count(rows.length)}
      />
    </>
  );
}
