// A short-lived message (role="status") with an optional action, e.g. « Annuler ».
import { signal } from '@preact/signals';

export interface ToastData {
  text: string;
  action?: { label: string; run: () => void | Promise<void> };
  kind?: 'ok' | 'error';
}

export const toast = signal<ToastData | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;

/** Shown for 5 s, or 10 s when it offers an action (e.g. « Annuler »); always dismissible. */
export function showToast(t: ToastData, ms = t.action ? 10000 : 5000): void {
  toast.value = t;
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (toast.value === t) toast.value = null;
  }, ms);
}

export function Toast() {
  const t = toast.value;
  return (
    <div class="toast-slot" role="status" aria-live="polite">
      {t && (
        <div class={'toast' + (t.kind === 'error' ? ' toast--error' : '')} data-testid="toast">
          <span>{t.text}</span>
          {t.action && (
            <button
              type="button"
              class="btn btn--small"
              data-testid="toast-action"
              onClick={async () => {
                const a = t.action!;
                toast.value = null;
                await a.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" class="btn btn--small btn--ghost" onClick={() => (toast.value = null)} aria-label="Fermer le message">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
