// Statistical secrecy (law of 7 June 1951 practice, as applied by INSEE and the
// statistical services): a cell built from fewer than 3 companies, or where one
// company makes more than 85 % of the value, is withheld ("primary" secrecy).
// Then no withheld cell may be recomputed from a published total and the other
// published cells of the same equation total = Σ members ("secondary" secrecy):
// in every equation, the withheld cells are either none or at least two. When an
// equation has exactly one, the smallest published member is withheld too (or,
// failing that, the total), and the check runs again until nothing changes,
// since a new withheld cell may break another equation. Pure, deterministic.

export type SecretReason = 'fewer_than_3' | 'dominance' | 'secondary';

export interface SecrecyRule {
  /** A cell needs at least this many companies. */
  minCompanies: number;
  /** A cell is withheld when its largest company makes more than this share. */
  maxShare: number;
}

export const DEFAULT_RULE: SecrecyRule = { minCompanies: 3, maxShare: 0.85 };

export interface SecrecyCell {
  id: string;
  value: number;
  /** How many companies contribute to the cell. */
  companies: number;
  /** The largest company's share of the cell (0..1). */
  topShare: number;
}

/** An additive equation between published cells: total = Σ members. */
export interface SecrecyGroup {
  total: string;
  members: string[];
}

export function primaryReason(
  c: Pick<SecrecyCell, 'value' | 'companies' | 'topShare'>,
  rule: SecrecyRule = DEFAULT_RULE,
): SecretReason | null {
  // An empty cell tells nothing about any company.
  if (c.companies === 0) return null;
  if (c.companies < rule.minCompanies) return 'fewer_than_3';
  if (c.value !== 0 && c.topShare > rule.maxShare) return 'dominance';
  return null;
}

/**
 * Decides which cells are withheld. Cells absent from `cells` but named in a
 * group are empty cells (value 0, no company): published, and never chosen as
 * a complement (withholding a known zero protects nothing).
 */
export function suppress(
  cells: readonly SecrecyCell[],
  groups: readonly SecrecyGroup[],
  rule: SecrecyRule = DEFAULT_RULE,
): Map<string, SecretReason> {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const secret = new Map<string, SecretReason>();
  for (const c of cells) {
    const r = primaryReason(c, rule);
    if (r) secret.set(c.id, r);
  }
  const present = groups.map((g) => ({
    total: byId.has(g.total) ? g.total : null,
    members: g.members.filter((m) => byId.has(m)),
  }));
  let changed = true;
  while (changed) {
    changed = false;
    for (const g of present) {
      const all = g.total === null ? g.members : [g.total, ...g.members];
      const withheld = all.filter((id) => secret.has(id)).length;
      if (withheld !== 1) continue;
      const complement = pickComplement(g, byId, secret);
      if (complement === null) continue;
      secret.set(complement, 'secondary');
      changed = true;
    }
  }
  return secret;
}

function pickComplement(
  g: { total: string | null; members: string[] },
  byId: Map<string, SecrecyCell>,
  secret: Map<string, SecretReason>,
): string | null {
  const open = g.members
    .filter((id) => !secret.has(id))
    .map((id) => byId.get(id)!)
    .sort(
      (a, b) =>
        Number(b.companies > 0) - Number(a.companies > 0) ||
        Math.abs(a.value) - Math.abs(b.value) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const best = open[0];
  if (best && best.companies > 0) return best.id;
  // Only empty members left (or none): withhold the total instead.
  if (g.total !== null && !secret.has(g.total)) return g.total;
  return best?.id ?? null;
}

/**
 * True when some withheld cell can be recomputed exactly from one equation and
 * the published cells (used by the tests and as a guard after suppression).
 */
export function disclosed(
  groups: readonly SecrecyGroup[],
  cellIds: ReadonlySet<string>,
  secret: ReadonlyMap<string, SecretReason>,
): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const all = [g.total, ...g.members].filter((id) => cellIds.has(id));
    const withheld = all.filter((id) => secret.has(id));
    if (withheld.length === 1) out.push(withheld[0]!);
  }
  return out;
}
