// A stable colour and a pixel pattern for each subject (so it reads without colour too).
const COLOURS = 8;

export function subjectIndex(matiere: string): number {
  let h = 0;
  for (const ch of matiere.trim().toLowerCase()) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h % COLOURS;
}

export function subjectClass(matiere: string): string {
  return 'subject-' + subjectIndex(matiere);
}

export const STATUT_LABEL: Record<string, string> = {
  planifie: 'Planifiée',
  en_cours: 'En cours',
  termine: 'Terminée',
  rate: 'Ratée',
};

export const STATUT_ICON: Record<string, string> = {
  planifie: '○',
  en_cours: '►',
  termine: '✓',
  rate: '✗',
};

export const PERIODE_LABEL: Record<string, string> = {
  jour: 'Jour',
  semaine: 'Semaine',
  mois: 'Mois',
  semestre: 'Semestre',
};

export const SOURCE_LABEL: Record<string, string> = {
  manual: 'fait main',
  ai: 'par l’IA',
  fallback: 'par le coach intégré',
};
