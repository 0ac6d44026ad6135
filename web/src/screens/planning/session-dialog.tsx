// Details of one session: edit (subject, times, notes), status, done/undo, delete.
import { useState } from 'preact/hooks';
import { ApiError, patch, put } from '../../api/client';
import type { Planning, SessionPatch, Statut } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { Field, FormError } from '../../components/field';
import { showToast } from '../../components/toast';
import { STATUT_LABEL } from '../../lib/subjects';
import { dayOf, durationMinutes, hhmm } from '../../lib/time';
import { useForm } from '../../lib/use-form';
import { user } from '../../state/auth';
import { online } from '../../state/network';
import { replaceBody, toInput, upsertPlanning, type PlacedSession } from '../../state/plan';
import { findProgressFor, markDone, undoProgress } from './actions';
import { instants, SESSION_RULES, SessionFields, sessionFieldOf, type SessionValues } from './session-fields';

interface Props {
  s: PlacedSession;
  tz: string;
  onClose: () => void;
}

export function SessionDialog({ s, tz, onClose }: Props) {
  const f = useForm<SessionValues & { statut: Statut }>(() => ({
    matiere: s.matiere,
    date: dayOf(s.debut, tz),
    debut: hhmm(s.debut, tz),
    fin: hhmm(s.fin, tz),
    notes: s.notes ?? '',
    statut: s.statut,
  }));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const subjects = user.value?.preferences.matieres ?? [];
  const off = !online.value;

  async function save(e: Event) {
    e.preventDefault();
    const v = f.values;
    const body: SessionPatch = {};
    if (v.matiere.trim() !== s.matiere) body.matiere = v.matiere;
    const t = instants(v, tz);
    if (Date.parse(t.debut) !== Date.parse(s.debut)) body.debut = t.debut;
    if (Date.parse(t.fin) !== Date.parse(s.fin)) body.fin = t.fin;
    if (v.notes !== (s.notes ?? '')) body.notes = v.notes.trim() ? v.notes : null;
    if (v.statut !== s.statut) body.statut = v.statut;
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    const p = await f.submit(
      () => patch<Planning>(`/api/planning/${s.planningId}/sessions/${s._id}`, body),
      sessionFieldOf(),
      SESSION_RULES,
    );
    if (p) {
      upsertPlanning(p);
      showToast({ text: `Session de ${v.matiere.trim()} enregistrée.` });
      onClose();
    }
  }

  async function remove() {
    setBusy(true);
    setActionError(null);
    try {
      const sessions = s.planning.sessions.filter((x) => x._id !== s._id).map(toInput);
      const p = await put<Planning>(`/api/planning/${s.planningId}`, replaceBody(s.planning, sessions));
      upsertPlanning(p);
      showToast({ text: `Session de ${s.matiere} supprimée.` });
      onClose();
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : 'La suppression a échoué.');
    } finally {
      setBusy(false);
    }
  }

  async function done() {
    setBusy(true);
    const entry = await markDone(s.planningId, s);
    setBusy(false);
    if (entry) onClose();
  }

  async function undo() {
    setBusy(true);
    setActionError(null);
    try {
      const entry = await findProgressFor(s, tz);
      if (!entry) setActionError('Aucune validation trouvée pour cette session.');
      else if (await undoProgress(entry._id, s.planningId, s)) onClose();
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : 'L’annulation a échoué.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`${s.matiere} · ${hhmm(s.debut, tz)}–${hhmm(s.fin, tz)}`} onClose={onClose} testid="session-dialog">
      <p class="dialog-meta">
        {STATUT_LABEL[s.statut]} · {durationMinutes(s.debut, s.fin)} min · planning « {s.planning.titre || 'sans titre'} »
      </p>
      <div class="btn-row">
        {s.statut !== 'termine' ? (
          <button type="button" class="btn btn--primary" onClick={done} disabled={busy || off} data-testid="dialog-done">
            <span aria-hidden="true">✓ </span>C’est fait !
          </button>
        ) : (
          <button type="button" class="btn" onClick={undo} disabled={busy || off} data-testid="dialog-undo">
            Annuler la validation
          </button>
        )}
      </div>
      {actionError && (
        <p class="form-error" role="alert">
          {actionError}
        </p>
      )}
      <form class="form" onSubmit={save} noValidate data-testid="session-form">
        <h3>Modifier la session</h3>
        <FormError message={f.errors.form} />
        <SessionFields prefix="edit" values={f.values} set={f.set} errors={f.errors.fields} subjects={subjects} />
        <Field id="edit-statut" label="Statut" error={f.errors.fields.statut}>
          {(d, inv) => (
            <select id="edit-statut" value={f.values.statut} onChange={(e) => f.set('statut', e.currentTarget.value as Statut)}
              aria-describedby={d} aria-invalid={inv || undefined}>
              {(['planifie', 'en_cours', 'termine', 'rate'] as const).map((k) => (
                <option value={k}>{STATUT_LABEL[k]}</option>
              ))}
            </select>
          )}
        </Field>
        <div class="btn-row">
          <button type="submit" class="btn btn--primary" disabled={f.busy || off}>
            {f.busy ? 'Enregistrement…' : 'Enregistrer'}
          </button>
          {!confirmDelete ? (
            <button type="button" class="btn btn--danger" onClick={() => setConfirmDelete(true)} disabled={off}>
              Supprimer la session
            </button>
          ) : (
            <button type="button" class="btn btn--danger" onClick={remove} disabled={busy || off} data-testid="confirm-delete-session">
              Confirmer la suppression
            </button>
          )}
        </div>
        {off && <p class="notice">Hors ligne : les modifications demandent une connexion.</p>}
      </form>
    </Dialog>
  );
}
