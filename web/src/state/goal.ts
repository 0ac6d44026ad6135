// The weekly study goal in minutes. The API has no field for it, so it is kept in
// this browser (localStorage; not a secret).
import { signal } from '@preact/signals';

const KEY = 'planetude.weeklyGoal';
export const DEFAULT_GOAL = 600;

function read(): number {
  try {
    const n = Number(localStorage.getItem(KEY));
    return Number.isFinite(n) && n > 0 ? n : DEFAULT_GOAL;
  } catch {
    return DEFAULT_GOAL;
  }
}

export const weeklyGoal = signal<number>(read());

export function setWeeklyGoal(minutes: number): void {
  weeklyGoal.value = minutes;
  try {
    localStorage.setItem(KEY, String(minutes));
  } catch {
    /* kept for this page only */
  }
}
