// How people write resource codes: EWC codes with spaces and a hazard asterisk
// ("15 01 03", "14 06 03*"), catalogue codes in any case ("ene.elec").

/** The stored form: EWC digits only, catalogue codes upper-case. */
export function normaliseResourceCode(s: string): string {
  return /^[\d\s*]+$/.test(s) ? s.replace(/[\s*]/g, '') : s.toUpperCase();
}

/**
 * A list filter: an exact code, or a prefix when it ends with `*` — except a
 * full EWC entry whose `*` is the hazard mark ("14 06 03*").
 */
export function parseResourceCodeFilter(s: string): { code?: string; prefix?: string } {
  const raw = s.replace(/\s+/g, '');
  if (raw.endsWith('*') && !/^\d{6}\*$/.test(raw))
    return { prefix: normaliseResourceCode(raw.slice(0, -1)) };
  return { code: normaliseResourceCode(raw) };
}
