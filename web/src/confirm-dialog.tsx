import { type ReactNode, useEffect, useId, useRef } from 'react';
import { t } from './i18n';

/**
 * A modal question before something that cannot be taken back (send a broadcast, cancel it).
 * The native <dialog> keeps focus inside, closes on Escape and returns focus to the opener.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The way out without acting (default: Cancel). */
  dismissLabel?: string;
  onConfirm(): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="confirm" aria-labelledby={titleId} onClose={props.onClose}>
      <h2 id={titleId}>{props.title}</h2>
      <div>{props.children}</div>
      <div className="buttons">
        <button type="button" className="secondary" onClick={props.onClose}>
          {props.dismissLabel ?? t.common.cancel}
        </button>
        <button
          type="button"
          onClick={() => {
            props.onConfirm();
            props.onClose();
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** Save what the API answered as a file (a CSV export, a broadcast report). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
