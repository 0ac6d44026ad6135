// Light/dark theme: follows prefers-color-scheme unless the student chose one
// (remembered in localStorage; not a secret).
import { signal } from '@preact/signals';

export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'planetude.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

const media = window.matchMedia('(prefers-color-scheme: dark)');
export const themeChoice = signal<ThemeChoice>(stored());
export const systemDark = signal<boolean>(media.matches);
media.addEventListener('change', (e) => {
  systemDark.value = e.matches;
});

export function effectiveTheme(): 'light' | 'dark' {
  const c = themeChoice.value;
  return c === 'system' ? (systemDark.value ? 'dark' : 'light') : c;
}

export function applyTheme(): void {
  const c = themeChoice.value;
  if (c === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = c;
  const meta = document.querySelector('meta[name="theme-color"]');
  meta?.setAttribute('content', effectiveTheme() === 'dark' ? '#1a1c2c' : '#29366f');
}

export function setTheme(c: ThemeChoice): void {
  themeChoice.value = c;
  try {
    if (c === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, c);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyTheme();
}
