// The weekly study goal in minutes: the account's preferences.objectifHebdo, so that it follows
// the student from the phone to the laptop. Until they choose one, a default of 10 hours.
import { computed } from '@preact/signals';
import { patch } from '../api/client';
import type { User } from '../api/types';
import { user } from './auth';

export const DEFAULT_GOAL = 600;
export const MAX_GOAL = 7 * 24 * 60;

export const weeklyGoal = computed<number>(() => user.value?.preferences.objectifHebdo ?? DEFAULT_GOAL);

/** Saves the goal on the account; throws the API's error (shown next to the field). */
export async function setWeeklyGoal(minutes: number): Promise<void> {
  user.value = await patch<User>('/api/users/me', { preferences: { objectifHebdo: minutes } });
}
