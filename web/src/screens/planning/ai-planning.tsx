// « Planifier ma semaine / mon mois / mon semestre avec PixelCoach »: subjects,
// exams (those of the imported timetable offered), weekly availability, minutes per day and a
// goal → POST /api/planning (mode ai).
import { useState } from 'preact/hooks';
import { post } from '../../api/client';
import type { AiPlanningBody, Disponibilite, Periode, Planning } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { Field, FormError } from '../../components/field';
import { dayLabel, dayOf, hhmm, today } from '../../lib/time';
import { useForm } from '../../lib/use-form';
import { timezone, user } from '../../state/auth';
import { online } from '../../state/network';
import { upsertPlanning } from '../../state/plan';
import { defaultStart } from './new-planning';
import { TimetableExams } from './timetable-exams';

const WEEKDAYS = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'];
const PERIOD_PHRASE: Record<Periode, string> = {
  jour: 'ma journée',
  semaine: 'ma semaine',
  mois: 'mon mois',
  semestre: 'mon semestre',
};

interface DayAvail {
  on: boolean;
  debut: string;
  fin: string;
}

interface Values {
  periode: Periode;
  dateDebut: string;
  titre: string;
  matieres: string[];
  autre: string;
  examens: { matiere: string; date: string }[];
  dispo: DayAvail[];
  minutesParJour: string;
  objectif: string;
}

function fieldOf(path: string): string | undefined {
  const exam = /^examens\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (exam) return `e${exam[1]}:${exam[2] ?? 'date'}`;
  const dispo = /^disponibilites\[(\d+)\]/.exec(path);
  if (dispo) return 'disponibilites';
  const top = path.split(/[.[]/)[0]!;
  return ['periode', 'dateDebut', 'titre', 'matieres', 'objectif', 'minutesParJour', 'disponibilites', 'examens'].includes(top) ? top : undefined;
}

export default function AiPlanning() {
  const tz = timezone.value;
  const prefs = user.value?.preferences.matieres ?? [];
  const f = useForm<Values>(() => ({
    periode: 'semaine',
    dateDebut: defaultStart('semaine', today(tz)),
    titre: '',
    matieres: [...prefs],
    autre: '',
    examens: [],
    dispo: WEEKDAYS.map((_, i) => ({ on: false, debut: i < 5 ? '17:00' : '10:00', fin: i < 5 ? '19:00' : '12:00' })),
    minutesParJour: '90',
    objectif: '',
  }));
  const [result, setResult] = useState<Planning | null>(null);
  const v = f.values;
  const subjects = [...new Set([...prefs, ...v.matieres])];

  function toggleSubject(s: string, on: boolean) {
    f.set('matieres', on ? [...v.matieres, s] : v.matieres.filter((x) => x !== s));
  }

  function addOther() {
    const s = v.autre.trim();
    if (s && !v.matieres.includes(s)) f.setValues((x) => ({ ...x, matieres: [...x.matieres, s], autre: '' }));
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    const disponibilites: Disponibilite[] = v.dispo.flatMap((d, jour) => (d.on ? [{ jour, debut: d.debut, fin: d.fin === '00:00' ? '24:00' : d.fin }] : []));
    const body: AiPlanningBody = { mode: 'ai', periode: v.periode, dateDebut: v.dateDebut };
    if (v.titre.trim()) body.titre = v.titre;
    if (v.matieres.length) body.matieres = v.matieres;
    if (v.objectif.trim()) body.objectif = v.objectif;
    if (v.minutesParJour.trim()) body.minutesParJour = Number(v.minutesParJour);
    if (disponibilites.length) body.disponibilites = disponibilites;
    const exams = v.examens.filter((x) => x.matiere.trim() || x.date);
    if (exams.length) body.examens = exams;
    setResult(null);
    const p = await f.submit(() => post<Planning>('/api/planning', body), fieldOf);
    if (p) {
      upsertPlanning(p);
      setResult(p);
      requestAnimationFrame(() => document.getElementById('ai-result-title')?.focus());
    }
  }

  const examErr = (i: number, k: string) => f.errors.fields[`e${i}:${k}`];
  const view = result ? (result.periode === 'jour' ? '/planning/jour' : result.periode === 'semaine' ? '/planning' : '/planning/mois') : '';

  return (
    <section class="screen">
      <div class="auth-hero">
        <Avatar size={56} />
        <h1>Planifier avec PixelCoach</h1>
      </div>
      <p>Dis-moi ce que tu dois réviser et quand tu es disponible : je prépare les sessions pour toi.</p>

      <form class="form form--wide" onSubmit={onSubmit} noValidate data-testid="ai-planning-form">
        <FormError message={f.errors.form} />
        <div class="card form">
          <div class="form-grid">
            <Field id="ai-periode" label="Période" error={f.errors.fields.periode}>
              {(d, inv) => (
                <select id="ai-periode" value={v.periode}
                  onChange={(e) => {
                    const periode = e.currentTarget.value as Periode;
                    f.setValues((x) => ({ ...x, periode, dateDebut: defaultStart(periode, x.dateDebut) }));
                  }}
                  aria-describedby={d} aria-invalid={inv || undefined}>
                  <option value="jour">Une journée</option>
                  <option value="semaine">Une semaine</option>
                  <option value="mois">Un mois</option>
                  <option value="semestre">Un semestre</option>
                </select>
              )}
            </Field>
            <Field id="ai-debut" label="À partir du" error={f.errors.fields.dateDebut}>
              {(d, inv) => (
                <input id="ai-debut" type="date" required value={v.dateDebut} onInput={(e) => f.set('dateDebut', e.currentTarget.value)}
                  aria-describedby={d} aria-invalid={inv || undefined} />
              )}
            </Field>
            <Field id="ai-minutes" label="Minutes par jour" hint="Entre 15 et 720." error={f.errors.fields.minutesParJour}>
              {(d, inv) => (
                <input id="ai-minutes" type="number" min={15} max={720} step={5} value={v.minutesParJour}
                  onInput={(e) => f.set('minutesParJour', e.currentTarget.value)} aria-describedby={d} aria-invalid={inv || undefined} />
              )}
            </Field>
          </div>
          <Field id="ai-titre" label="Titre (facultatif)" error={f.errors.fields.titre}>
            {(d, inv) => (
              <input id="ai-titre" type="text" maxLength={200} value={v.titre} onInput={(e) => f.set('titre', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
        </div>

        <fieldset class="card" aria-describedby={f.errors.fields.matieres ? 'ai-matieres-error' : undefined} data-testid="ai-subjects">
          <legend>Matières</legend>
          {subjects.length === 0 && <p class="hint">Aucune matière dans tes réglages : ajoute-les ici ou dans les réglages.</p>}
          <div class="checks">
            {subjects.map((s, i) => (
              <label class="check" for={`ai-m-${i}`}>
                <input id={`ai-m-${i}`} type="checkbox" checked={v.matieres.includes(s)} onChange={(e) => toggleSubject(s, e.currentTarget.checked)} />
                {s}
              </label>
            ))}
          </div>
          <div class="inline-add">
            <Field id="ai-autre" label="Autre matière">
              {(d) => (
                <input id="ai-autre" type="text" maxLength={100} value={v.autre} aria-describedby={d}
                  onInput={(e) => f.set('autre', e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addOther();
                    }
                  }} />
              )}
            </Field>
            <button type="button" class="btn btn--small" onClick={addOther}>
              Ajouter la matière
            </button>
          </div>
          {f.errors.fields.matieres && (
            <p class="field-error" id="ai-matieres-error" data-testid="field-error">
              {f.errors.fields.matieres}
            </p>
          )}
        </fieldset>

        <fieldset class="card" data-testid="ai-exams">
          <legend>Examens</legend>
          <TimetableExams tz={tz} subjects={subjects} added={v.examens}
            onAdd={(x) => f.setValues((o) => ({ ...o, examens: [...o.examens, x] }))} />
          {v.examens.length === 0 && <p class="hint">Aucun examen pour l’instant.</p>}
          {v.examens.map((x, i) => (
            <div class="form-grid exam-row">
              <Field id={`ai-e${i}-m`} label={`Matière de l’examen ${i + 1}`} error={examErr(i, 'matiere')}>
                {(d, inv) => (
                  <input id={`ai-e${i}-m`} type="text" list="ai-subject-list" maxLength={100} value={x.matiere} aria-describedby={d} aria-invalid={inv || undefined}
                    onInput={(e) => {
                      const val = e.currentTarget.value;
                      f.setValues((o) => ({ ...o, examens: o.examens.map((y, j) => (j === i ? { ...y, matiere: val } : y)) }));
                    }} />
                )}
              </Field>
              <Field id={`ai-e${i}-d`} label={`Date de l’examen ${i + 1}`} error={examErr(i, 'date')}>
                {(d, inv) => (
                  <input id={`ai-e${i}-d`} type="date" value={x.date} aria-describedby={d} aria-invalid={inv || undefined}
                    onInput={(e) => {
                      const val = e.currentTarget.value;
                      f.setValues((o) => ({ ...o, examens: o.examens.map((y, j) => (j === i ? { ...y, date: val } : y)) }));
                    }} />
                )}
              </Field>
              <button type="button" class="btn btn--small" onClick={() => f.setValues((o) => ({ ...o, examens: o.examens.filter((_, j) => j !== i) }))}>
                Retirer l’examen {i + 1}
              </button>
            </div>
          ))}
          <datalist id="ai-subject-list">
            {subjects.map((s) => (
              <option value={s} />
            ))}
          </datalist>
          <button type="button" class="btn btn--small" onClick={() => f.setValues((o) => ({ ...o, examens: [...o.examens, { matiere: o.matieres[0] ?? '', date: '' }] }))}>
            + Ajouter un examen
          </button>
        </fieldset>

        <fieldset class="card" data-testid="ai-availability">
          <legend>Disponibilités</legend>
          <p class="hint">Coche les jours où tu peux travailler et indique tes horaires. Sans rien cocher, PixelCoach choisit 9 h–12 h et 14 h–19 h.</p>
          {f.errors.fields.disponibilites && (
            <p class="field-error" data-testid="field-error">
              {f.errors.fields.disponibilites}
            </p>
          )}
          <div class="dispo">
            {v.dispo.map((d, i) => {
              const upd = (patch: Partial<DayAvail>) => f.setValues((o) => ({ ...o, dispo: o.dispo.map((y, j) => (j === i ? { ...y, ...patch } : y)) }));
              return (
                <div class="dispo-row">
                  <label class="check" for={`ai-d${i}`}>
                    <input id={`ai-d${i}`} type="checkbox" checked={d.on} onChange={(e) => upd({ on: e.currentTarget.checked })} />
                    {WEEKDAYS[i]}
                  </label>
                  <label for={`ai-d${i}-from`} class="visually-hidden">{WEEKDAYS[i]} : de</label>
                  <input id={`ai-d${i}-from`} type="time" value={d.debut} disabled={!d.on} onInput={(e) => upd({ debut: e.currentTarget.value })} />
                  <span aria-hidden="true">à</span>
                  <label for={`ai-d${i}-to`} class="visually-hidden">{WEEKDAYS[i]} : à</label>
                  <input id={`ai-d${i}-to`} type="time" value={d.fin} disabled={!d.on} onInput={(e) => upd({ fin: e.currentTarget.value })} />
                </div>
              );
            })}
          </div>
        </fieldset>

        <div class="card form">
          <Field id="ai-objectif" label="Ton objectif (facultatif)" hint="Par exemple : « avoir 14 en maths au bac blanc »." error={f.errors.fields.objectif}>
            {(d, inv) => (
              <textarea id="ai-objectif" maxLength={1000} value={v.objectif} onInput={(e) => f.set('objectif', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined} />
            )}
          </Field>
        </div>

        <div class="btn-row">
          <button type="submit" class="btn btn--accent" disabled={f.busy || !online.value} data-testid="ai-submit">
            {f.busy ? 'PixelCoach réfléchit…' : `Planifier ${PERIOD_PHRASE[v.periode]} avec PixelCoach`}
          </button>
        </div>
        {!online.value && <p class="notice">Hors ligne : PixelCoach a besoin d’une connexion.</p>}
      </form>

      {result && (
        <section class="card ai-result" aria-labelledby="ai-result-title" data-testid="ai-result" data-source={result.source}>
          <h2 id="ai-result-title" tabIndex={-1}>
            Ton planning est prêt !
          </h2>
          <p data-testid="ai-source">
            {result.source === 'ai'
              ? 'Planning préparé par l’IA de PixelCoach.'
              : 'Planning préparé par le coach intégré (l’IA n’était pas disponible) : il suit les mêmes règles.'}
          </p>
          <p>
            {result.sessions.length} session{result.sessions.length > 1 ? 's' : ''}
            {result.titre ? ` · « ${result.titre} »` : ''}
          </p>
          <ul class="ai-sessions">
            {result.sessions.slice(0, 30).map((s) => (
              <li>
                <strong>{s.matiere}</strong> — {dayLabel(dayOf(s.debut, tz), { weekday: 'short', day: 'numeric', month: 'short' })}, {hhmm(s.debut, tz)}–
                {hhmm(s.fin, tz)}
                {s.notes ? ` (${s.notes})` : ''}
              </li>
            ))}
          </ul>
          {result.sessions.length > 30 && <p>… et {result.sessions.length - 30} autres.</p>}
          <a class="btn btn--primary" href={`${view}?date=${dayOf(result.dateDebut, tz)}`}>
            Voir dans le planning
          </a>
        </section>
      )}
    </section>
  );
}
