// A change the coach suggests: nothing happens until « Appliquer ».
import { useState } from 'preact/hooks';
import { ApiError, post } from '../../api/client';
import type { ApplyAnswer, Proposal } from '../../api/types';
import { showToast } from '../../components/toast';
import { online } from '../../state/network';
import { upsertPlanning } from '../../state/plan';

const TYPE_LABEL: Record<string, string> = {
  create_planning: 'Nouveau planning',
  update_session: 'Session déplacée ou modifiée',
  delete_session: 'Session supprimée',
};

const STATUS_LABEL: Record<string, string> = {
  pending: 'En attente',
  applied: 'Appliquée',
  dismissed: 'Ignorée',
};

export function ProposalCard({ proposal, onChange }: { proposal: Proposal; onChange: (p: Proposal) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(kind: 'apply' | 'dismiss') {
    setBusy(true);
    setError(null);
    try {
      if (kind === 'apply') {
        const res = await post<ApplyAnswer>(`/api/chat/proposals/${proposal._id}/apply`);
        upsertPlanning(res.planning);
        onChange(res.proposal);
        showToast({ text: 'C’est fait : ton planning est à jour.' });
      } else {
        const res = await post<{ proposal: Proposal }>(`/api/chat/proposals/${proposal._id}/dismiss`);
        onChange(res.proposal);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'L’action a échoué.');
      if (e instanceof ApiError && e.code === 'proposal_not_pending') onChange({ ...proposal, status: 'dismissed' });
    } finally {
      setBusy(false);
    }
  }

  const pending = proposal.status === 'pending';
  return (
    <article class={'proposal proposal--' + proposal.status} data-testid="proposal-card" data-proposal-id={proposal._id} data-status={proposal.status}
      aria-label={`Proposition : ${TYPE_LABEL[proposal.type] ?? proposal.type}`}>
      <p class="proposal-type pixel">{TYPE_LABEL[proposal.type] ?? proposal.type}</p>
      <p class="proposal-summary">{proposal.summary}</p>
      {pending ? (
        <div class="btn-row">
          <button type="button" class="btn btn--small btn--primary" onClick={() => act('apply')} disabled={busy || !online.value} data-testid="proposal-apply">
            Appliquer
          </button>
          <button type="button" class="btn btn--small" onClick={() => act('dismiss')} disabled={busy || !online.value} data-testid="proposal-dismiss">
            Ignorer
          </button>
        </div>
      ) : (
        <p class="proposal-status" data-testid="proposal-status">
          <span aria-hidden="true">{proposal.status === 'applied' ? '✓ ' : '✗ '}</span>
          {STATUS_LABEL[proposal.status]}
          {proposal.status === 'applied' && (
            <>
              {' '}
              · <a href="/planning">Voir le planning</a>
            </>
          )}
        </p>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
