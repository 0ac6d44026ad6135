// A modal dialog on the native <dialog> element: focus is trapped by the browser,
// Escape closes it, focus returns to the element that opened it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  testid?: string;
}

let seq = 0;

export function Dialog({ title, onClose, children, testid }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useRef('dlg-' + ++seq).current;
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={id + '-title'}
      data-testid={testid}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={id + '-title'}>{title}</h2>
        <button type="button" class="btn btn--small" onClick={onClose}>
          Fermer
        </button>
      </div>
      {children}
    </dialog>
  );
}
