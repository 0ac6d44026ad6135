// The plannings on screen, shared by the planning screens and the coach (applying
// a proposal updates the plan at once).
import { computed, signal } from '@preact/signals';
import { get, query } from '../api/client';
import type { Page, Planning, Session, SessionInput } from '../api/types';
import { compareIso } from '../lib/time';

export const plannings = signal<Planning[]>([]);
export const planLoaded = signal<{ from: string; to: string } | null>(null);

export interface PlacedSession extends Session {
  planningId: string;
  planning: Planning;
}

export const allSessions = computed<PlacedSession[]>(() =>
  plannings.value
    .flatMap((p) => p.sessions.map((s) => ({ ...s, planningId: p._id, planning: p })))
    .sort((a, b) => compareIso(a.debut, b.debut)),
);

/** Loads every planning whose period overlaps [from, to] (plain days, user's zone). */
export async function loadRange(from: string, to: string, signal?: AbortSignal): Promise<void> {
  const items: Planning[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const res: Page<Planning> = await get<Page<Planning>>('/api/planning' + query({ from, to, limit: 100, cursor }), { signal });
    items.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  plannings.value = items;
  planLoaded.value = { from, to };
}

/** Puts a planning returned by the server in place (or adds it). */
export function upsertPlanning(p: Planning): void {
  const list = plannings.value;
  const i = list.findIndex((x) => x._id === p._id);
  plannings.value = i >= 0 ? [...list.slice(0, i), p, ...list.slice(i + 1)] : [p, ...list];
}

export function removePlanning(id: string): void {
  plannings.value = plannings.value.filter((p) => p._id !== id);
}

/** A session as sent back in a PUT body, keeping its id and status. */
export function toInput(s: Session): SessionInput {
  const out: SessionInput = { _id: s._id, matiere: s.matiere, debut: s.debut, fin: s.fin, statut: s.statut };
  if (s.notes !== undefined) out.notes = s.notes;
  return out;
}

/** The PUT body that replaces a planning with the given sessions. */
export function replaceBody(p: Planning, sessions: SessionInput[]) {
  const body: { periode: Planning['periode']; dateDebut: string; sessions: SessionInput[]; titre?: string } = {
    periode: p.periode,
    dateDebut: p.dateDebut,
    sessions,
  };
  if (p.titre) body.titre = p.titre;
  return body;
}
