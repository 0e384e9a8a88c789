import { type FormEvent, useState } from 'react';
import { severities } from '#shared/domain/severity';
import { channels } from '#shared/domain/ticket';
import { registerComplaintSchema } from '#shared/http/schemas';
import { ApiError } from '../api';
import { useApp } from '../app-context';
import { t } from '../i18n';
import { Alert, Field, Link, PageTitle } from '../ui';

type FormState = Record<
  'name' | 'phone' | 'email' | 'address' | 'account' | 'channel' | 'category' | 'severity' | 'description',
  string
>;

const empty: FormState = {
  name: '',
  phone: '',
  email: '',
  address: '',
  account: '',
  channel: 'web_form',
  category: '',
  severity: 'dissatisfied',
  description: '',
};

/** Schema paths (as the API names fields) to the form's inputs. */
const fieldOfPath: Record<string, keyof FormState> = {
  'customer.name': 'name',
  'customer.phone': 'phone',
  'customer.email': 'email',
  'customer.address': 'address',
  'customer.account': 'account',
  channel: 'channel',
  category: 'category',
  severity: 'severity',
  description: 'description',
};

function toRequest(form: FormState) {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    severity: form.severity,
    channel: form.channel,
    category: form.category,
    description: form.description,
    customer: {
      name: form.name,
      phone: form.phone.trim(),
      ...(optional(form.email) ? { email: optional(form.email) } : {}),
      ...(optional(form.address) ? { address: optional(form.address) } : {}),
      ...(optional(form.account) ? { account: optional(form.account) } : {}),
    },
  };
}

export function IntakePage() {
  const { api, config, navigate } = useApp();
  const [form, setForm] = useState<FormState>({ ...empty, category: config.categories[0] ?? '' });
  const [errors, setErrors] = useState<Partial<Record<keyof FormState, string>>>({});
  const [failure, setFailure] = useState<unknown>();
  const [registered, setRegistered] = useState<string>();
  const [busy, setBusy] = useState(false);
  // One key per complaint being typed: a retried submit cannot register it twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  const set = (name: keyof FormState) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    setRegistered(undefined);
    const request = toRequest(form);
    const parsed = registerComplaintSchema.safeParse(request);
    if (!parsed.success) {
      const found: Partial<Record<keyof FormState, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = fieldOfPath[issue.path.map(String).join('.')];
        if (field && !found[field]) found[field] = issue.message;
      }
      setErrors(found);
      setFailure(t.intake.fixErrors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const ticket = await api.post<{ id: string; number: string }>('/api/tickets', parsed.data, {
        'idempotency-key': idempotencyKey,
      });
      setRegistered(ticket.number);
      setForm({ ...empty, category: config.categories[0] ?? '' });
      setIdempotencyKey(crypto.randomUUID());
    } catch (err) {
      const field = err instanceof ApiError && err.field ? fieldOfPath[err.field] : undefined;
      if (field) {
        setErrors({ [field]: (err as ApiError).message });
        setFailure(t.intake.fixErrors);
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const text = (name: keyof FormState, label: string, type = 'text', autoComplete?: string) => (
    <Field id={`intake-${name}`} label={label} error={errors[name]}>
      {(aria) => (
        <input
          {...aria}
          name={name}
          type={type}
          value={form[name]}
          onChange={set(name)}
          {...(autoComplete ? { autoComplete } : {})}
        />
      )}
    </Field>
  );

  return (
    <>
      <PageTitle>{t.intake.title}</PageTitle>
      <Alert error={failure} />
      {registered ? (
        <div role="status" className="alert alert-info">
          {t.intake.registered(registered)}{' '}
          <Link to={`/complaints/${registered}`} navigate={navigate}>
            {t.intake.open}
          </Link>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate className="card form-grid">
        {text('name', t.fields.name, 'text', 'off')}
        {text('phone', t.fields.phone, 'tel', 'off')}
        {text('email', t.fields.email, 'email', 'off')}
        {text('address', t.fields.address, 'text', 'off')}
        {text('account', t.fields.account)}
        <Field id="intake-channel" label={t.fields.channel} error={errors.channel}>
          {(aria) => (
            <select {...aria} name="channel" value={form.channel} onChange={set('channel')}>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {t.channels[c] ?? c}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="intake-category" label={t.fields.category} error={errors.category}>
          {(aria) => (
            <select {...aria} name="category" value={form.category} onChange={set('category')}>
              {config.categories.map((c) => (
                <option key={c} value={c}>
                  {c.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="intake-severity" label={t.fields.severity} error={errors.severity}>
          {(aria) => (
            <select {...aria} name="severity" value={form.severity} onChange={set('severity')}>
              {severities.map((s) => (
                <option key={s} value={s}>
                  {t.severities[s] ?? s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="span-all">
          <Field id="intake-description" label={t.fields.description} error={errors.description}>
            {(aria) => (
              <textarea
                {...aria}
                name="description"
                rows={5}
                value={form.description}
                onChange={set('description')}
              />
            )}
          </Field>
        </div>
        <div className="span-all">
          <button type="submit" disabled={busy}>
            {t.intake.submit}
          </button>
        </div>
      </form>
    </>
  );
}
