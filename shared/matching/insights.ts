// What a person asks next, answered from the proposals: chains of
// substitutions (A → B → C), the companies that anchor many synergies, and
// the supply resources with no outlet in the territory. Deterministic: the
// proposals come sorted (score desc, key asc), every list below is sorted.
import { sortedById, isSupply, unitOf, type Context } from './context.ts';
import { round } from './format.ts';
import type { Insights, Proposal } from './types.ts';

export const MAX_CASCADES = 50;
export const MAX_ANCHORS = 20;

function parties(p: Proposal) {
  const supplier = p.participants.find((x) => x.role === 'supplier');
  const receiver = p.participants.find((x) => x.role === 'receiver');
  return supplier && receiver ? { from: supplier.companyId, to: receiver.companyId } : null;
}

export function computeInsights(ctx: Context, sorted: readonly Proposal[]): Insights {
  const subs = sorted.filter((p) => p.type === 'substitution');

  // Cascades: A supplies B (p1) and B supplies C (p2), A ≠ C; one per company
  // triple (the best-ranked pair of proposals), in proposal order.
  const outgoing = new Map<string, { to: string; p: Proposal }[]>();
  for (const p of subs) {
    const e = parties(p);
    if (!e) continue;
    const list = outgoing.get(e.from);
    if (list) list.push({ to: e.to, p });
    else outgoing.set(e.from, [{ to: e.to, p }]);
  }
  const cascades: Insights['cascades'] = [];
  const seen = new Set<string>();
  outer: for (const p1 of subs) {
    const e1 = parties(p1);
    if (!e1) continue;
    for (const { to: c, p: p2 } of outgoing.get(e1.to) ?? []) {
      if (p2 === p1 || c === e1.from) continue;
      const triple = `${e1.from}|${e1.to}|${c}`;
      if (seen.has(triple)) continue;
      seen.add(triple);
      cascades.push({ companyIds: [e1.from, e1.to, c], proposalKeys: [p1.key, p2.key] });
      if (cascades.length >= MAX_CASCADES) break outer;
    }
  }

  // Anchors: companies by number of proposals they take part in.
  const counts = new Map<string, number>();
  for (const p of sorted) {
    for (const id of new Set(p.participants.map((x) => x.companyId))) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const anchors = [...counts.entries()]
    .map(([companyId, proposals]) => ({ companyId, proposals }))
    .sort((a, b) =>
      b.proposals !== a.proposals
        ? b.proposals - a.proposals
        : a.companyId < b.companyId
          ? -1
          : a.companyId > b.companyId
            ? 1
            : 0,
    )
    .slice(0, MAX_ANCHORS);

  // Unmatched: supply resources none of whose flows is in a substitution.
  const matchedCodes = new Set(subs.map((p) => p.resourceCode));
  const unmatched = new Map<
    string,
    { companies: Set<string>; units: Set<string | null>; quantity: number }
  >();
  for (const f of sortedById(ctx.snapshot.flows)) {
    if (!isSupply(f) || matchedCodes.has(f.resourceCode) || !ctx.companies.has(f.companyId)) {
      continue;
    }
    let u = unmatched.get(f.resourceCode);
    if (!u) {
      u = { companies: new Set(), units: new Set(), quantity: 0 };
      unmatched.set(f.resourceCode, u);
    }
    u.companies.add(f.companyId);
    if (f.quantityPerYear !== null) {
      u.units.add(unitOf(ctx, f));
      u.quantity += f.quantityPerYear;
    }
  }
  const unmatchedResources = [...unmatched.entries()]
    .map(([resourceCode, u]) => {
      const single = u.units.size === 1 ? [...u.units][0]! : null;
      return {
        resourceCode,
        companies: u.companies.size,
        // Pooled only when a single unit; 0 with a null unit otherwise.
        quantityPerYear: single !== null ? round(u.quantity, 6) : 0,
        unit: single,
      };
    })
    .sort((a, b) =>
      b.companies !== a.companies
        ? b.companies - a.companies
        : a.resourceCode < b.resourceCode
          ? -1
          : a.resourceCode > b.resourceCode
            ? 1
            : 0,
    );

  return { cascades, anchors, unmatchedResources };
}
