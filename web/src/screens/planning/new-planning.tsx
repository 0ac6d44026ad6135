// Create a planning by hand: period, start day, title and any number of sessions.
import { post } from '../../api/client';
import type { Periode, Planning } from '../../api/types';
import { Field, FormError } from '../../components/field';
import { PERIODE_LABEL } from '../../lib/subjects';
import { addDays, dayOf, startOfMonth, startOfWeek, today } from '../../lib/time';
import { useForm } from '../../lib/use-form';
import { navigate } from '../../router';
import { timezone, user } from '../../state/auth';
import { online } from '../../state/network';
import { upsertPlanning } from '../../state/plan';
import { instants, SessionFields, type SessionValues } from './session-fields';

interface Values {
  titre: string;
  periode: Periode;
  dateDebut: string;
  rows: SessionValues[];
}

function fieldOf(path: string): string | undefined {
  const m = /^sessions\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (m) return `s${m[1]}:${m[2] && ['matiere', 'debut', 'fin', 'notes'].includes(m[2]) ? m[2] : 'horaire'}`;
  if (path === 'sessions') return 'sessions';
  return ['titre', 'periode', 'dateDebut'].includes(path) ? path : undefined;
}

export function defaultStart(periode: Periode, day: string): string {
  if (periode === 'semaine') return startOfWeek(day);
  if (periode === 'mois' || periode === 'semestre') return startOfMonth(day);
  return day;
}

export default function NewPlanning() {
  const tz = timezone.value;
  const subjects = user.value?.preferences.matieres ?? [];
  const start = defaultStart('semaine', today(tz));
  const newRow = (date: string): SessionValues => ({ matiere: subjects[0] ?? '', date, debut: '17:00', fin: '18:00', notes: '' });
  const f = useForm<Values>(() => ({ titre: '', periode: 'semaine', dateDebut: start, rows: [newRow(today(tz) < start ? start : today(tz))] }));
  const rowErrors = (i: number) =>
    Object.fromEntries(Object.entries(f.errors.fields).filter(([k]) => k.startsWith(`s${i}:`)).map(([k, v]) => [k.slice(k.indexOf(':') + 1), v]));

  function setRow(i: number, key: keyof SessionValues, value: string) {
    f.setValues((v) => ({ ...v, rows: v.rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)) }));
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    const v = f.values;
    const body = {
      periode: v.periode,
      dateDebut: v.dateDebut,
      ...(v.titre.trim() ? { titre: v.titre } : {}),
      sessions: v.rows.map((r) => ({ matiere: r.matiere, ...instants(r, tz), ...(r.notes.trim() ? { notes: r.notes } : {}) })),
    };
    const p = await f.submit(() => post<Planning>('/api/planning', body), fieldOf);
    if (p) {
      upsertPlanning(p);
      const view = p.periode === 'jour' ? '/planning/jour' : p.periode === 'semaine' ? '/planning' : '/planning/mois';
      navigate(`${view}?date=${dayOf(p.dateDebut, tz)}`);
    }
  }

  return (
    <section class="screen">
      <h1>Nouveau planning</h1>
      <p>Choisis la période, puis ajoute tes sessions. Tu pourras en ajouter d’autres ensuite depuis le planning.</p>
      <form class="form form--wide" onSubmit={onSubmit} noValidate data-testid="new-planning-form">
        <FormError message={f.errors.form} />
        <div class="card form">
          <Field id="np-titre" label="Titre (facultatif)" error={f.errors.fields.titre}>
            {(d, inv) => (
              <input id="np-titre" type="text" maxLength={200} value={f.values.titre} onInput={(e) => f.set('titre', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
          <div class="form-grid">
            <Field id="np-periode" label="Période" error={f.errors.fields.periode}>
              {(d, inv) => (
                <select id="np-periode" value={f.values.periode}
                  onChange={(e) => {
                    const periode = e.currentTarget.value as Periode;
                    f.setValues((v) => ({ ...v, periode, dateDebut: defaultStart(periode, v.dateDebut) }));
                  }}
                  aria-describedby={d} aria-invalid={inv || undefined}>
                  {(['jour', 'semaine', 'mois', 'semestre'] as const).map((k) => (
                    <option value={k}>{PERIODE_LABEL[k]}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="np-debut" label="Premier jour" error={f.errors.fields.dateDebut}>
              {(d, inv) => (
                <input id="np-debut" type="date" required value={f.values.dateDebut} onInput={(e) => f.set('dateDebut', e.currentTarget.value)}
                  aria-describedby={d} aria-invalid={inv || undefined} />
              )}
            </Field>
          </div>
        </div>
        <h2>Sessions</h2>
        {f.errors.fields.sessions && (
          <p class="field-error" data-testid="field-error">
            {f.errors.fields.sessions}
          </p>
        )}
        {f.values.rows.map((r, i) => (
          <fieldset class="card form session-row" data-testid="session-row">
            <legend>Session {i + 1}</legend>
            <SessionFields prefix={`np-s${i}`} values={r} set={(k, v) => setRow(i, k, v)} errors={rowErrors(i)} subjects={subjects} />
            <div class="btn-row">
              <button type="button" class="btn btn--small" onClick={() => f.setValues((v) => ({ ...v, rows: v.rows.filter((_, j) => j !== i) }))}>
                Retirer la session {i + 1}
              </button>
            </div>
          </fieldset>
        ))}
        <div class="btn-row">
          <button
            type="button"
            class="btn"
            onClick={() => f.setValues((v) => ({ ...v, rows: [...v.rows, newRow(v.rows.length ? addDays(v.rows[v.rows.length - 1]!.date, 1) : v.dateDebut)] }))}
          >
            + Ajouter une session
          </button>
          <button type="submit" class="btn btn--primary" disabled={f.busy || !online.value}>
            {f.busy ? 'Création…' : 'Créer le planning'}
          </button>
        </div>
        {!online.value && <p class="notice">Hors ligne : la création demande une connexion.</p>}
      </form>
    </section>
  );
}
