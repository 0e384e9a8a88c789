import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from './api';
import { t } from './i18n';

/** A page's main heading, focused on arrival so screen readers and keyboards start there. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A page the signed-in role may not open: its title and who may (the API refuses too). */
export function RefusedPage({ title, reason }: { title: string; reason: string }) {
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <p role="alert" className="alert alert-error">
        {reason}
      </p>
    </>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NETWORK') return t.errors.network;
    if (error.status === 403) return `${t.common.forbidden} ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function Alert({ error, kind = 'error' }: { error: unknown; kind?: 'error' | 'info' }) {
  if (!error) return null;
  return (
    <div role={kind === 'error' ? 'alert' : 'status'} className={`alert alert-${kind}`}>
      {typeof error === 'string' ? error : errorText(error)}
    </div>
  );
}

/** The first message per field of a failed parse (zod issues), keyed by `keyOf(path)`: the top field by default. */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  keyOf: (path: readonly PropertyKey[]) => string = (path) => String(path[0] ?? ''),
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of issues) found[keyOf(issue.path)] ??= issue.message;
  return found;
}

/** A labelled form field with its error tied to it (aria-describedby). */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  children: (aria: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const errorId = `${props.id}-error`;
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': Boolean(props.error),
        ...(props.error ? { 'aria-describedby': errorId } : {}),
      })}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function Link(props: {
  to: string;
  children: ReactNode;
  navigate: (to: string) => void;
  className?: string;
}) {
  return (
    <a
      href={props.to}
      className={props.className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
