// Switches between light and dark; the choice is remembered (localStorage).
import { effectiveTheme, setTheme } from '../state/theme';

export function ThemeSwitch() {
  const dark = effectiveTheme() === 'dark';
  return (
    <button
      type="button"
      class="btn btn--ghost theme-switch"
      aria-pressed={dark}
      onClick={() => setTheme(dark ? 'light' : 'dark')}
      data-testid="theme-switch"
    >
      <span aria-hidden="true" class="theme-switch-icon">{dark ? '☾' : '☀'}</span>
      <span class="theme-switch-label">Thème sombre</span>
    </button>
  );
}
