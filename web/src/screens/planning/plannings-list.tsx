// The plannings that cover the period on screen: source, ICS download, delete.
import { useState } from 'preact/hooks';
import { ApiError, del } from '../../api/client';
import type { Planning } from '../../api/types';
import { showToast } from '../../components/toast';
import { SOURCE_LABEL } from '../../lib/subjects';
import { online } from '../../state/network';
import { removePlanning } from '../../state/plan';
import { planningLabel } from './add-session-dialog';

export function PlanningsList({ plannings, tz, loading = false }: { plannings: Planning[]; tz: string; loading?: boolean }) {
  const [confirm, setConfirm] = useState<string | null>(null);

  async function remove(p: Planning) {
    try {
      await del(`/api/planning/${p._id}`);
      removePlanning(p._id);
      showToast({ text: 'Planning supprimé.' });
    } catch (e) {
      showToast({ text: e instanceof ApiError ? e.message : 'La suppression a échoué.', kind: 'error' });
    } finally {
      setConfirm(null);
    }
  }

  return (
    <section class="card" aria-labelledby="plannings-title">
      <h2 id="plannings-title">Plannings de cette période</h2>
      {plannings.length === 0 ? (
        // While the plan loads, « Chargement du planning… » says it all: no « Aucun planning » beside it.
        <p>{loading ? '\u00a0' : 'Aucun planning ici pour l’instant.'}</p>
      ) : (
        <ul class="plannings">
          {plannings.map((p) => (
            <li class="planning-item" data-testid="planning-item" data-planning-id={p._id}>
              <div>
                <strong>{planningLabel(p, tz)}</strong>
                <span class="tag">
                  {p.sessions.length} session{p.sessions.length > 1 ? 's' : ''}, {SOURCE_LABEL[p.source]}
                </span>
              </div>
              <div class="btn-row">
                <a
                  class="btn btn--small"
                  href={online.value ? `/api/planning/${p._id}/ics` : undefined}
                  aria-disabled={online.value ? undefined : 'true'}
                  role={online.value ? undefined : 'link'}
                  download={`planetude-${p._id}.ics`}
                  data-testid="ics-link"
                >
                  Télécharger (.ics)<span class="visually-hidden"> : {planningLabel(p, tz)}</span>
                </a>
                {confirm === p._id ? (
                  <button type="button" class="btn btn--small btn--danger" onClick={() => remove(p)} disabled={!online.value}>
                    Confirmer la suppression<span class="visually-hidden"> de {planningLabel(p, tz)}</span>
                  </button>
                ) : (
                  <button type="button" class="btn btn--small btn--danger" onClick={() => setConfirm(p._id)} disabled={!online.value}>
                    Supprimer<span class="visually-hidden"> {planningLabel(p, tz)}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
