// A labelled form control with its hint and error message (aria-describedby).
import type { ComponentChildren } from 'preact';

let counter = 0;
export function uid(prefix = 'f'): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
  class?: string;
}

export function Field({ id, label, error, hint, children, class: cls }: FieldProps) {
  const ids = [hint ? id + '-hint' : '', error ? id + '-error' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={'field' + (error ? ' field--error' : '') + (cls ? ' ' + cls : '')}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
      {children(ids, !!error)}
      {error && (
        <p class="field-error" id={id + '-error'} data-testid="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}

/** An error box for a whole form, announced to screen readers. */
export function FormError({ message, id }: { message?: string | null; id?: string }) {
  return (
    <div class="form-error-slot" role="alert" id={id}>
      {message && (
        <p class="form-error" data-testid="form-error">
          {message}
        </p>
      )}
    </div>
  );
}
