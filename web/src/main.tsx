// Entry point: styles, theme, service worker, then the app.
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/planning.css';
import { effect } from '@preact/signals';
import { render } from 'preact';
import { App } from './app';
import { loadUser } from './state/auth';
import { applyTheme, systemDark, themeChoice } from './state/theme';

effect(() => {
  void themeChoice.value;
  void systemDark.value;
  applyTheme();
});

if ('serviceWorker' in navigator && !import.meta.env.DEV) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* offline support is optional */
    });
  });
}

void loadUser();
render(<App />, document.getElementById('app')!);
