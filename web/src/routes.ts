// The screens and their paths. The week view, where a signed-in student lands, is part of the
// entry bundle (its code arrives with the app's, not one round trip later); the others load lazily.
import type { FunctionComponent } from 'preact';
import * as planningScreen from './screens/planning/planning-screen';

export type Loader = () => Promise<{ default: FunctionComponent }>;

export interface RouteDef {
  path: string;
  title: string;
  load: Loader;
  /** Set for the screens of the entry bundle: drawn in the same render as the shell. */
  component?: FunctionComponent;
  public?: boolean;
}

export const ROUTES: RouteDef[] = [
  { path: '/connexion', title: 'Connexion', public: true, load: () => import('./screens/login') },
  { path: '/inscription', title: 'Inscription', public: true, load: () => import('./screens/register') },
  { path: '/planning', component: planningScreen.default, title: 'Planning de la semaine', load: () => Promise.resolve(planningScreen) },
  { path: '/planning/jour', component: planningScreen.default, title: 'Planning du jour', load: () => Promise.resolve(planningScreen) },
  { path: '/planning/mois', component: planningScreen.default, title: 'Planning du mois', load: () => Promise.resolve(planningScreen) },
  { path: '/planning/nouveau', title: 'Nouveau planning', load: () => import('./screens/planning/new-planning') },
  { path: '/planning/pixelcoach', title: 'Planifier avec PixelCoach', load: () => import('./screens/planning/ai-planning') },
  { path: '/coach', title: 'PixelCoach', load: () => import('./screens/coach/coach-screen') },
  { path: '/progres', title: 'Progrès', load: () => import('./screens/progress/progress-screen') },
  { path: '/reglages', title: 'Réglages', load: () => import('./screens/settings/settings-screen') },
];

export function findRoute(path: string): RouteDef | undefined {
  return ROUTES.find((r) => r.path === path);
}

export const NAV = [
  { path: '/planning', label: 'Planning', icon: 'planning' },
  { path: '/coach', label: 'Coach', icon: 'coach' },
  { path: '/progres', label: 'Progrès', icon: 'progres' },
  { path: '/reglages', label: 'Réglages', icon: 'reglages' },
] as const;
