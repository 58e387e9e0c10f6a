// French formatting for explanations (deterministic, no Intl/locale data).

/** 8400 → "8 400", 4.25 → "4,3", 0.8 → "0,8" (hot path: no regular expressions). */
export function frNumber(n: number, maxDecimals?: number): string {
  const abs = Math.abs(n);
  const decimals = maxDecimals ?? (abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  const fixed = abs.toFixed(decimals);
  const dot = fixed.indexOf('.');
  let int = dot < 0 ? fixed : fixed.slice(0, dot);
  let frac = dot < 0 ? '' : fixed.slice(dot + 1);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  if (int.length > 3) {
    let i = int.length % 3 || 3;
    let grouped = int.slice(0, i);
    for (; i < int.length; i += 3) grouped += ` ${int.slice(i, i + 3)}`;
    int = grouped;
  }
  const sign = n < 0 && (int !== '0' || frac !== '') ? '-' : '';
  return frac ? `${sign}${int},${frac}` : `${sign}${int}`;
}

const UNIT_LABELS: Record<string, string> = {
  t: 't',
  m3: 'm³',
  MWh: 'MWh',
  unit: 'unités',
  h: 'h',
  m2: 'm²',
};

export function frUnit(unit: string | null): string {
  return unit === null ? '' : (UNIT_LABELS[unit] ?? unit);
}

/** "120 t/an". */
export function frQuantity(q: number, unit: string | null): string {
  return unit === null ? `${frNumber(q)}/an` : `${frNumber(q)} ${frUnit(unit)}/an`;
}

/** Lower-cases the first letter unless the word is an acronym ("Électricité" → "électricité", "DIB" stays). */
export function lcFirst(text: string): string {
  if (text.length < 2) return text.toLowerCase();
  const second = text.charAt(1);
  if (second !== second.toLowerCase()) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** "de drêches", "d'électricité". */
export function de(label: string): string {
  return /^[aeiouyhàâäéèêëîïôöûùü]/i.test(label) ? `d'${label}` : `de ${label}`;
}
