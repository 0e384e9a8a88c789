import { useState } from 'react';
import type { z } from 'zod';
import { ApiError } from '../../api';
import { useApp } from '../../app-context';
import { fieldErrors } from '../../ui';

/** What a step of a complaint needs: the ticket with the version the page shows, and what follows. */
export interface TicketStepProps<T> {
  ticket: { id: string; version: number };
  onDone(next: T): void;
  onConflict(): void;
}

/**
 * Post one step of a complaint (`POST /api/tickets/{id}/{path}`, If-Match: the version the page shows),
 * checked first with the schema the API validates with; field errors come back by name.
 * `ownsField`: the refused fields the form shows at their input only (any other refusal goes to the alert);
 * without it a refused field shows at its input and in the alert. `keyOf`: which field a schema issue names.
 */
export function useTicketStep<T>(
  props: TicketStepProps<T>,
  options: {
    ownsField?: (field: string) => boolean;
    keyOf?: (path: readonly PropertyKey[]) => string;
  } = {},
) {
  const { api } = useApp();
  const [failure, setFailure] = useState<unknown>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const send = async (path: string, schema: z.ZodType | undefined, body: unknown) => {
    setFailure(undefined);
    let payload = body;
    if (schema) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        setErrors(fieldErrors(parsed.error.issues, options.keyOf));
        return;
      }
      payload = parsed.data;
    }
    setErrors({});
    setBusy(true);
    try {
      const next = await api.post<T>(`/api/tickets/${props.ticket.id}/${path}`, payload, {
        'if-match': String(props.ticket.version),
      });
      props.onDone(next);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'CONFLICT') props.onConflict();
      const refused =
        err instanceof ApiError && err.field ? { field: err.field, message: err.message } : undefined;
      const atInput = refused !== undefined && (options.ownsField?.(refused.field) ?? true);
      if (refused && atInput) setErrors({ [refused.field]: refused.message });
      if (!atInput || !options.ownsField) setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return { send, failure, errors, busy };
}
