// Pixel XP: 1 XP per minute studied. Level n+1 needs 60·n more XP than level n
// (level 2 at 60 XP, 3 at 180, 4 at 360, 5 at 600…).

export interface Level {
  level: number;
  xp: number;
  floor: number; // XP at which this level started
  next: number; // XP needed for the next level
}

export function levelOf(xp: number): Level {
  let level = 1;
  let floor = 0;
  while (xp >= floor + 60 * level) {
    floor += 60 * level;
    level += 1;
  }
  return { level, xp, floor, next: floor + 60 * level };
}
