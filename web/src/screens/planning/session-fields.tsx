// The fields of a session (subject, day, start, end, notes), used to add and edit.
import { Field } from '../../components/field';
import { addDays, dayTime, type Day } from '../../lib/time';
import type { FieldOf } from '../../lib/use-form';

export interface SessionValues {
  matiere: string;
  date: Day;
  debut: string; // HH:MM
  fin: string; // HH:MM
  notes: string;
}

/** The session's instants; an end at or before the start means the next day. */
export function instants(v: SessionValues, tz: string): { debut: string; fin: string } {
  const start = dayTime(v.date, v.debut, tz);
  const end = dayTime(v.fin <= v.debut ? addDays(v.date, 1) : v.date, v.fin, tz);
  return { debut: new Date(start).toISOString(), fin: new Date(end).toISOString() };
}

/** Where an error about a session goes; `index` is the session's index in a PUT body. */
export function sessionFieldOf(index?: number): FieldOf {
  return (path: string) => {
    const m = /^sessions\[(\d+)\](?:\.(\w+))?/.exec(path);
    let field: string | undefined = path;
    if (m) {
      if (index !== undefined && Number(m[1]) !== index) return 'horaire';
      field = m[2] ?? 'horaire';
    }
    if (['matiere', 'notes', 'statut', 'debut', 'fin'].includes(field)) return field;
    return 'horaire';
  };
}

export const SESSION_RULES = { sessions_overlap: 'horaire', session_outside_period: 'horaire' };

interface Props {
  prefix: string;
  values: SessionValues;
  set: <K extends keyof SessionValues>(k: K, v: SessionValues[K]) => void;
  errors: Record<string, string>;
  subjects: string[];
}

export function SessionFields({ prefix, values, set, errors, subjects }: Props) {
  const id = (n: string) => `${prefix}-${n}`;
  return (
    <>
      <Field id={id('matiere')} label="Matière" error={errors.matiere}>
        {(d, inv) => (
          <>
            <input id={id('matiere')} type="text" list={id('matieres')} required maxLength={100} value={values.matiere}
              onInput={(e) => set('matiere', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
            <datalist id={id('matieres')}>
              {subjects.map((s) => (
                <option value={s} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <fieldset class={'time-fields' + (errors.horaire ? ' field--error' : '')} aria-describedby={errors.horaire ? id('horaire-error') : undefined}>
        <legend>Horaire</legend>
        <div class="form-grid">
          <Field id={id('date')} label="Jour" error={errors.date}>
            {(d, inv) => (
              <input id={id('date')} type="date" required value={values.date} onInput={(e) => set('date', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
          <Field id={id('debut')} label="Début" error={errors.debut}>
            {(d, inv) => (
              <input id={id('debut')} type="time" required step={300} value={values.debut} onInput={(e) => set('debut', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
          <Field id={id('fin')} label="Fin" error={errors.fin}>
            {(d, inv) => (
              <input id={id('fin')} type="time" required step={300} value={values.fin} onInput={(e) => set('fin', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
        </div>
        {errors.horaire && (
          <p class="field-error" id={id('horaire-error')} data-testid="field-error">
            <span aria-hidden="true">⚠ </span>
            {errors.horaire}
          </p>
        )}
      </fieldset>
      <Field id={id('notes')} label="Notes (facultatif)" error={errors.notes}>
        {(d, inv) => (
          <textarea id={id('notes')} maxLength={2000} value={values.notes} onInput={(e) => set('notes', e.currentTarget.value)}
            aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
    </>
  );
}
