// Session actions shared by the plan views, the today panel and the dialogs.
import { ApiError, del, get, post, query } from '../../api/client';
import type { Planning, Progress, ProgressAnswer, Session, Statut } from '../../api/types';
import { showToast } from '../../components/toast';
import { dayOf } from '../../lib/time';
import { plannings, upsertPlanning } from '../../state/plan';

function setLocalStatut(planningId: string, sessionId: string, statut: Statut): void {
  const p = plannings.value.find((x) => x._id === planningId);
  if (!p) return;
  const next: Planning = { ...p, sessions: p.sessions.map((s) => (s._id === sessionId ? { ...s, statut } : s)) };
  upsertPlanning(next);
}

/** One tap: the session is done (POST /api/progress), with « Annuler » in the toast. */
export async function markDone(planningId: string, session: Session, extra: { tempsEtudie?: number; notes?: string } = {}): Promise<Progress | null> {
  try {
    const body: Record<string, unknown> = { planningId, sessionId: session._id };
    if (extra.tempsEtudie) body.tempsEtudie = extra.tempsEtudie;
    if (extra.notes) body.notes = extra.notes;
    const entry = await post<Progress>('/api/progress', body);
    setLocalStatut(planningId, session._id, 'termine');
    showToast({
      text: `Bravo ! Session de ${session.matiere} validée (${entry.tempsEtudie} min).`,
      action: { label: 'Annuler', run: async () => void (await undoProgress(entry._id, planningId, session)) },
    });
    return entry;
  } catch (e) {
    showToast({ text: e instanceof ApiError ? e.message : 'La validation a échoué.', kind: 'error' });
    return null;
  }
}

export async function undoProgress(progressId: string, planningId: string, session: Session): Promise<boolean> {
  try {
    await del(`/api/progress/${progressId}`);
    setLocalStatut(planningId, session._id, 'planifie');
    showToast({ text: `Validation de ${session.matiere} annulée.` });
    return true;
  } catch (e) {
    showToast({ text: e instanceof ApiError ? e.message : 'L’annulation a échoué.', kind: 'error' });
    return false;
  }
}

/** The progress entry recorded for a session (to undo it later). */
export async function findProgressFor(session: Session, tz: string): Promise<Progress | undefined> {
  const d = dayOf(session.debut, tz);
  const res = await get<ProgressAnswer>('/api/progress' + query({ from: d, to: d }));
  return res.entries.find((e) => e.sessionId === session._id);
}
