// Form state that survives failed requests: values stay as typed; the API error is
// split into a form-level message and per-field messages (from `details` paths).
import { useState } from 'preact/hooks';
import { ApiError } from '../api/error';

export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
}

/** Maps a `details` path to a field name of the form (undefined: not one of ours). */
export type FieldOf = (path: string) => string | undefined;
/** Maps an error code (e.g. sessions_overlap) to the field its message belongs next to. */
export type CodeField = Record<string, string>;

/** Planning rule errors: their French message goes next to the sessions concerned. */
const RULE_CODES = new Set(['sessions_overlap', 'session_outside_period']);

export function errorsFrom(e: unknown, fieldOf: FieldOf = (p) => p, codeField: CodeField = {}): FormErrors {
  if (!(e instanceof ApiError)) return { form: 'Une erreur inattendue est survenue. Réessaie.', fields: {} };
  const fields: Record<string, string> = {};
  const rule = RULE_CODES.has(e.code);
  for (const d of e.details) {
    const f = fieldOf(d.path);
    if (f && !fields[f]) fields[f] = rule ? e.message : capitalize(d.message);
  }
  const ruleField = codeField[e.code];
  if (ruleField && !fields[ruleField]) fields[ruleField] = e.message;
  // The API's summary repeats the field messages with its own field keys: when every detail
  // is shown beside its field, a short summary points there instead.
  const allShown = !rule && e.details.length > 0 && e.details.every((d) => fieldOf(d.path));
  let form = allShown ? 'Corrige les champs signalés.' : e.message;
  if (e.status === 429 && e.retryAfter !== null && !/réessaie dans/i.test(e.message)) form = `${e.message} Réessaie dans ${formatWait(e.retryAfter)}.`;
  return { form, fields };
}

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('fr') + s.slice(1);
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} seconde${seconds > 1 ? 's' : ''}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m > 1 ? 's' : ''}`;
}

export function useForm<T extends object>(initial: T | (() => T)) {
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value }));

  /** Runs a request; on failure keeps the values and shows the errors. */
  async function submit<R>(run: () => Promise<R>, fieldOf?: FieldOf, codeField?: CodeField): Promise<R | undefined> {
    setBusy(true);
    setErrors({ fields: {} });
    try {
      return await run();
    } catch (e) {
      setErrors(errorsFrom(e, fieldOf, codeField));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { values, set, setValues, errors, setErrors, busy, submit };
}
