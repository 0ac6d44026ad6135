// Adds a session to one of the plannings on screen (PUT of the whole planning).
import { put } from '../../api/client';
import type { Planning } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { showToast } from '../../components/toast';
import { PERIODE_LABEL } from '../../lib/subjects';
import { dayLabel, dayOf, periodEnd, type Day } from '../../lib/time';
import { useForm } from '../../lib/use-form';
import { user } from '../../state/auth';
import { online } from '../../state/network';
import { replaceBody, toInput, upsertPlanning } from '../../state/plan';
import { instants, SESSION_RULES, SessionFields, sessionFieldOf, type SessionValues } from './session-fields';

interface Props {
  plannings: Planning[];
  day: Day;
  tz: string;
  onClose: () => void;
}

export function planningLabel(p: Planning, tz: string): string {
  const start = dayLabel(dayOf(p.dateDebut, tz), { day: 'numeric', month: 'long', year: 'numeric' });
  return `${p.titre ? p.titre + ' — ' : ''}${PERIODE_LABEL[p.periode]} du ${start}`;
}

function covering(plannings: Planning[], instant: number, tz: string): Planning | undefined {
  return plannings.find((p) => Date.parse(p.dateDebut) <= instant && instant < periodEnd(p.dateDebut, p.periode, tz));
}

export function AddSessionDialog({ plannings, day, tz, onClose }: Props) {
  const subjects = user.value?.preferences.matieres ?? [];
  const f = useForm<SessionValues & { planningId: string }>(() => ({
    matiere: subjects[0] ?? '',
    date: day,
    debut: '17:00',
    fin: '18:00',
    notes: '',
    planningId: (covering(plannings, Date.parse(instants({ matiere: '', date: day, debut: '17:00', fin: '18:00', notes: '' }, tz).debut), tz) ?? plannings[0])?._id ?? '',
  }));

  async function onSubmit(e: Event) {
    e.preventDefault();
    const v = f.values;
    const t = instants(v, tz);
    const p = plannings.find((x) => x._id === v.planningId) ?? covering(plannings, Date.parse(t.debut), tz);
    if (!p) {
      f.setErrors({ form: 'Choisis un planning.', fields: { planningId: 'Choisis le planning qui recevra la session.' } });
      return;
    }
    const sessions = [...p.sessions.map(toInput), { matiere: v.matiere, debut: t.debut, fin: t.fin, ...(v.notes.trim() ? { notes: v.notes } : {}) }];
    const saved = await f.submit(() => put<Planning>(`/api/planning/${p._id}`, replaceBody(p, sessions)), sessionFieldOf(p.sessions.length), SESSION_RULES);
    if (saved) {
      upsertPlanning(saved);
      showToast({ text: `Session de ${v.matiere.trim()} ajoutée.` });
      onClose();
    }
  }

  return (
    <Dialog title="Ajouter une session" onClose={onClose} testid="add-session-dialog">
      {plannings.length === 0 ? (
        <p>
          Aucun planning ne couvre cette période. <a href="/planning/nouveau">Crée d’abord un planning</a>.
        </p>
      ) : (
        <form class="form" onSubmit={onSubmit} noValidate data-testid="add-session-form">
          <FormError message={f.errors.form} />
          <Field id="add-planning" label="Planning" error={f.errors.fields.planningId}>
            {(d, inv) => (
              <select id="add-planning" value={f.values.planningId} onChange={(e) => f.set('planningId', e.currentTarget.value)}
                aria-describedby={d} aria-invalid={inv || undefined}>
                {plannings.map((p) => (
                  <option value={p._id}>{planningLabel(p, tz)}</option>
                ))}
              </select>
            )}
          </Field>
          <SessionFields prefix="add" values={f.values} set={f.set} errors={f.errors.fields} subjects={subjects} />
          <div class="btn-row">
            <button type="submit" class="btn btn--primary" disabled={f.busy || !online.value}>
              {f.busy ? 'Ajout…' : 'Ajouter la session'}
            </button>
          </div>
          {!online.value && <p class="notice">Hors ligne : les modifications demandent une connexion.</p>}
        </form>
      )}
    </Dialog>
  );
}
