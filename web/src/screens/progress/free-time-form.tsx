// Record free study time (POST /api/progress without a session).
import { post } from '../../api/client';
import type { Progress } from '../../api/types';
import { Field, FormError } from '../../components/field';
import { showToast } from '../../components/toast';
import { useForm } from '../../lib/use-form';
import { user } from '../../state/auth';
import { online } from '../../state/network';

export function FreeTimeForm({ today, onSaved }: { today: string; onSaved: (p: Progress) => void }) {
  const subjects = user.value?.preferences.matieres ?? [];
  const f = useForm({ minutes: '30', date: today, matiere: '', notes: '' });
  const v = f.values;

  async function onSubmit(e: Event) {
    e.preventDefault();
    const body: Record<string, unknown> = { tempsEtudie: Number(v.minutes) };
    if (v.date) body.date = v.date;
    if (v.matiere.trim()) body.matiere = v.matiere;
    if (v.notes.trim()) body.notes = v.notes;
    const p = await f.submit(() => post<Progress>('/api/progress', body), (path) =>
      path === 'tempsEtudie' ? 'minutes' : ['date', 'matiere', 'notes'].includes(path) ? path : undefined,
    );
    if (p) {
      onSaved(p);
      f.setValues({ minutes: '30', date: today, matiere: v.matiere, notes: '' });
      showToast({ text: `${p.tempsEtudie} min d’étude notées. Continue comme ça !` });
    }
  }

  return (
    <form class="form" onSubmit={onSubmit} noValidate data-testid="free-time-form">
      <FormError message={f.errors.form} />
      <div class="form-grid">
        <Field id="ft-minutes" label="Minutes étudiées" error={f.errors.fields.minutes}>
          {(d, inv) => (
            <input id="ft-minutes" type="number" min={1} max={1440} required value={v.minutes} onInput={(e) => f.set('minutes', e.currentTarget.value)}
              aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="ft-date" label="Jour" error={f.errors.fields.date}>
          {(d, inv) => (
            <input id="ft-date" type="date" value={v.date} onInput={(e) => f.set('date', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
          )}
        </Field>
        <Field id="ft-matiere" label="Matière (facultatif)" error={f.errors.fields.matiere}>
          {(d, inv) => (
            <>
              <input id="ft-matiere" type="text" list="ft-matieres" maxLength={100} value={v.matiere} onInput={(e) => f.set('matiere', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
              <datalist id="ft-matieres">
                {subjects.map((s) => (
                  <option value={s} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      </div>
      <Field id="ft-notes" label="Notes (facultatif)" error={f.errors.fields.notes}>
        {(d, inv) => (
          <textarea id="ft-notes" maxLength={2000} value={v.notes} onInput={(e) => f.set('notes', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <div class="btn-row">
        <button type="submit" class="btn btn--primary" disabled={f.busy || !online.value}>
          {f.busy ? 'Enregistrement…' : 'Noter ce temps'}
        </button>
      </div>
      {!online.value && <p class="notice">Hors ligne : l’enregistrement demande une connexion.</p>}
    </form>
  );
}
