// Switches between light and dark; the choice is remembered (localStorage). The label says
// what a press does (« Passer au thème sombre »), so no aria-pressed state.
import { effectiveTheme, setTheme } from '../state/theme';

export function ThemeSwitch() {
  const dark = effectiveTheme() === 'dark';
  return (
    <button
      type="button"
      class="btn btn--ghost theme-switch"
      onClick={() => setTheme(dark ? 'light' : 'dark')}
      data-testid="theme-switch"
    >
      <span aria-hidden="true" class="theme-switch-icon">{dark ? '☀' : '☾'}</span>
      <span class="theme-switch-label">{dark ? 'Passer au thème clair' : 'Passer au thème sombre'}</span>
    </button>
  );
}
