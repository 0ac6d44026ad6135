// IANA time zones offered in selects: the browser's list when it has one.
export function detectedTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const FALLBACK = ['UTC', 'Europe/Paris', 'Europe/Brussels', 'Europe/Zurich', 'Europe/Luxembourg', 'America/Montreal',
  'America/Toronto', 'Africa/Casablanca', 'Africa/Algiers', 'Africa/Tunis', 'Africa/Dakar', 'Africa/Abidjan',
  'Indian/Reunion', 'America/Martinique', 'America/Guadeloupe', 'America/Cayenne', 'Pacific/Noumea', 'Pacific/Tahiti'];

export function timeZones(current?: string): string[] {
  let list: string[] = [];
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    list = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    list = [];
  }
  if (!list.length) list = FALLBACK;
  const set = new Set(list);
  set.add('UTC');
  if (current) set.add(current);
  return [...set].sort();
}
