// Progress: streaks, this week vs the goal, minutes per subject, a year heatmap,
// pixel XP and level; record free study time; undo recent entries.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, del, get, query } from '../../api/client';
import type { Progress, ProgressAnswer } from '../../api/types';
import { Field } from '../../components/field';
import { showToast } from '../../components/toast';
import { addDays, compareIso, dayLabel, dayOf, formatMinutes, startOfWeek, today as todayIn } from '../../lib/time';
import { timezone, user } from '../../state/auth';
import { MAX_GOAL, setWeeklyGoal, weeklyGoal } from '../../state/goal';
import { online } from '../../state/network';
import { FreeTimeForm } from './free-time-form';
import { Heatmap } from './heatmap';
import { SubjectChart } from './subject-chart';
import { errorsFrom } from '../../lib/use-form';
import { XpBar } from './xp-bar';

export default function ProgressScreen() {
  const tz = timezone.value;
  const today = todayIn(tz);
  const from = startOfWeek(addDays(today, -364));
  const [data, setData] = useState<ProgressAnswer | null>(null);
  const [allTime, setAllTime] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [goalText, setGoalText] = useState(String(weeklyGoal.value));
  const [goalError, setGoalError] = useState<string | undefined>();
  const [goalSaving, setGoalSaving] = useState(false);

  async function saveGoal() {
    // Bounds are the API's to check (its words go next to the field); only a field that holds no
    // number at all is caught here, since there is nothing to send.
    const n = Number(goalText);
    if (goalText.trim() === '' || !Number.isFinite(n)) {
      setGoalError(`Indique un nombre de minutes, de 1 à ${MAX_GOAL}.`);
      return;
    }
    setGoalSaving(true);
    setGoalError(undefined);
    try {
      await setWeeklyGoal(n);
      showToast({ text: 'Objectif enregistré.' });
    } catch (e) {
      // The typed value stays in the field; the API's words go next to it.
      const errors = errorsFrom(e, (path) => (path === 'preferences.objectifHebdo' ? 'goal' : undefined));
      setGoalError(errors.fields.goal ?? errors.form);
    } finally {
      setGoalSaving(false);
    }
  }

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    get<ProgressAnswer>('/api/progress' + query({ from, to: today }), { signal: ctl.signal })
      .then(async (d) => {
        setData(d);
        const created = user.value ? dayOf(user.value.createdAt, tz) : from;
        if (created < from) {
          const all = await get<ProgressAnswer>('/api/progress' + query({ from: created, to: today }), { signal: ctl.signal });
          setAllTime(all.summary.tempsEtudie);
        } else {
          setAllTime(d.summary.tempsEtudie);
        }
      })
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(e instanceof ApiError ? e.message : 'Tes progrès n’ont pas pu être chargés.');
      });
    return () => ctl.abort();
  }, [from, today, version]);

  async function undo(p: Progress) {
    try {
      await del(`/api/progress/${p._id}`);
      showToast({ text: 'Entrée supprimée.' });
      setVersion((v) => v + 1);
    } catch (e) {
      showToast({ text: e instanceof ApiError ? e.message : 'La suppression a échoué.', kind: 'error' });
    }
  }

  const s = data?.summary;
  const weekStart = startOfWeek(today);
  const weekMinutes = s ? s.parJour.filter((d) => d.date >= weekStart && d.date <= today).reduce((a, d) => a + d.tempsEtudie, 0) : 0;
  const goal = weeklyGoal.value;
  const weekPart = Math.min(1, weekMinutes / goal);
  const recent = data ? [...data.entries].sort((a, b) => compareIso(b.date + b.createdAt, a.date + a.createdAt)).slice(0, 8) : [];

  return (
    <section class="screen progress-screen">
      <h1>Progrès</h1>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p class="loading">Chargement…</p>}
      {s && (
        <>
          <div class="stats">
            <section class="card stat" aria-labelledby="streak-title">
              <h2 id="streak-title">Série</h2>
              <p class="stat-value pixel">
                <span data-testid="streak-current">{s.serieActuelle}</span> jour{s.serieActuelle > 1 ? 's' : ''}
              </p>
              <p>
                Record : <strong data-testid="streak-best">{s.meilleureSerie}</strong> jour{s.meilleureSerie > 1 ? 's' : ''}
              </p>
            </section>
            <section class="card stat" aria-labelledby="week-title">
              <h2 id="week-title">Cette semaine</h2>
              <p class="stat-value pixel">
                <span data-testid="week-minutes">{formatMinutes(weekMinutes)}</span>
              </p>
              <div class="goal-bar" role="progressbar" aria-label="Objectif de la semaine" aria-valuemin={0} aria-valuemax={goal} aria-valuenow={Math.min(weekMinutes, goal)}
                aria-valuetext={`${formatMinutes(weekMinutes)} sur ${formatMinutes(goal)}`}>
                <span class="goal-fill" style={{ width: `${Math.round(weekPart * 100)}%` }} />
              </div>
              <p>
                Objectif : <span data-testid="week-goal">{formatMinutes(goal)}</span> ({Math.round(weekPart * 100)} %)
              </p>
            </section>
            <section class="card stat" aria-labelledby="xp-title">
              <h2 id="xp-title">Expérience</h2>
              <XpBar minutes={allTime ?? s.tempsEtudie} />
            </section>
          </div>

          <section class="card" aria-labelledby="goal-title">
            <h2 id="goal-title">Mon objectif hebdomadaire</h2>
            <form
              class="inline-add"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void saveGoal();
              }}
            >
              <Field id="goal-minutes" label="Minutes par semaine" hint="Enregistré sur ton compte." error={goalError}>
                {(d, invalid) => (
                  <input id="goal-minutes" type="number" inputMode="numeric" min={1} max={MAX_GOAL} step={1} value={goalText}
                    onInput={(e) => setGoalText(e.currentTarget.value)} aria-describedby={d} aria-invalid={invalid} />
                )}
              </Field>
              <button type="submit" class="btn btn--small" disabled={goalSaving || !online.value}>
                Enregistrer l’objectif
              </button>
            </form>
          </section>

          <section class="card" aria-labelledby="subjects-title">
            <h2 id="subjects-title">Minutes par matière (12 derniers mois)</h2>
            <SubjectChart items={s.parMatiere} />
          </section>

          <section class="card" aria-labelledby="heat-title">
            <h2 id="heat-title">Jours d’étude</h2>
            <Heatmap days={s.parJour} today={today} />
            <details>
              <summary>Voir le détail en tableau</summary>
              {s.parJour.length === 0 ? (
                <p>Aucun jour d’étude pour l’instant.</p>
              ) : (
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">Jour</th>
                      <th scope="col">Temps</th>
                      <th scope="col">Sessions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...s.parJour].reverse().map((d) => (
                      <tr>
                        <td>{dayLabel(d.date, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })}</td>
                        <td>{formatMinutes(d.tempsEtudie)}</td>
                        <td>{d.sessionsCompletees}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </details>
          </section>
        </>
      )}

      <section class="card" aria-labelledby="free-title">
        <h2 id="free-title">Noter du temps d’étude</h2>
        <FreeTimeForm today={today} onSaved={() => setVersion((v) => v + 1)} />
      </section>

      {recent.length > 0 && (
        <section class="card" aria-labelledby="recent-title">
          <h2 id="recent-title">Dernières entrées</h2>
          <ul class="entries">
            {recent.map((p) => (
              <li data-testid="progress-entry" data-progress-id={p._id}>
                <span>
                  {dayLabel(p.date, { weekday: 'short', day: 'numeric', month: 'short' })} · {formatMinutes(p.tempsEtudie)}
                  {p.matiere ? ` · ${p.matiere}` : ''}
                  {p.sessionId ? ' · session du planning' : ''}
                </span>
                <button type="button" class="btn btn--small" onClick={() => undo(p)} disabled={!online.value} data-testid="progress-undo">
                  Annuler<span class="visually-hidden"> l’entrée du {dayLabel(p.date)}, {formatMinutes(p.tempsEtudie)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
