// Entry point: styles, theme, service worker, then the app.
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/planning.css';
import './styles/timetable.css';
import { effect } from '@preact/signals';
import { render } from 'preact';
import { App } from './app';
import { warmUpDateFormatting } from './lib/time';
import { showToast } from './components/toast';
import { loadUser } from './state/auth';
import { swControlling } from './state/network';
import { applyTheme, systemDark, themeChoice } from './state/theme';

effect(() => {
  void themeChoice.value;
  void systemDark.value;
  applyTheme();
});

if ('serviceWorker' in navigator && !import.meta.env.DEV) {
  // A new version took over (not the first install): offer to reload.
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) showToast({ text: 'Une nouvelle version de PlanÉtude est prête.', action: { label: 'Recharger', run: () => location.reload() } }, 60000);
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* offline support is optional */
    });
  });
}

void loadUser();
// While /api/users/me is on its way (the request is sent by now).
warmUpDateFormatting();
// Once the service worker controls the page, fetch the user again so it is kept offline.
let refetched = swControlling.value;
effect(() => {
  if (swControlling.value && !refetched) {
    refetched = true;
    void loadUser();
  }
});
render(<App />, document.getElementById('app')!);
