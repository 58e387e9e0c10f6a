// Mutualisation: nearby companies (same zone, or within a radius) that share
// an input, a waste or a need may pool it. One graph per resource group
// (graphology): nodes are the companies with a flow in the group and their
// zones, edges join a company to its zone and to its neighbours within the
// radius; each connected component large enough is a proposal, and very
// large components are split into communities (Louvain, seeded).
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import { connectedComponents } from 'graphology-components';
import { byId, resourceLabel, unitOf, type Context } from './context.ts';
import { de, frQuantity, lcFirst, round } from './format.ts';
import { mutualisationGains } from './gains.ts';
import { buildPointIndex, distanceKm, hasLocation, itemsAround } from './geo.ts';
import { proposalKey, seedOf, seededRng } from './keys.ts';
import type {
  Participant,
  Proposal,
  SnapshotCompany,
  SnapshotFlow,
  WorkingGroupTheme,
} from './types.ts';

/** Components larger than this are split into communities. */
export const MAX_CLUSTER_SIZE = 30;
/** Prefix of the zone nodes of a group's graph (never a company id). */
const ZONE_NODE = '\u0000zone:';

export interface GroupRef {
  /** `${theme}|${code}`: identifies the group, and a stored proposal's group. */
  id: string;
  theme: WorkingGroupTheme;
  /** Representative code, the proposal's resourceCode ("ENE.ELEC", "LOG.PAL", "1501", "1601*"). */
  code: string;
}

const hasPrefix = (code: string, p: string) => code === p || code.startsWith(`${p}.`);
const ref = (theme: WorkingGroupTheme, code: string): GroupRef => ({
  id: `${theme}|${code}`,
  theme,
  code,
});

const ENERGY_GROUPS = ['ENE.ELEC', 'ENE.GAS.NAT', 'ENE.GAS.LPG', 'ENE.OIL'] as const;
const ENERGY_LABELS: Record<string, string> = {
  'ENE.ELEC': "d'électricité",
  'ENE.GAS.NAT': 'de gaz naturel',
  'ENE.GAS.LPG': 'de GPL',
  'ENE.OIL': 'de produits pétroliers',
};

/**
 * The resource groups a flow belongs to (a flow may be in two: a waste of
 * wooden packaging 150103 is both a pallet and a 1501 collection matter).
 * Hazardous wastes are grouped apart under "<sub-chapter>*" (EWC notation),
 * so that the representative code alone tells the group; the needs of
 * collection services form one group "SRV.COLL".
 */
export function groupsOfFlow(f: SnapshotFlow): GroupRef[] {
  const code = f.resourceCode;
  const out: GroupRef[] = [];
  if (f.kind === 'input') {
    for (const g of ENERGY_GROUPS) if (hasPrefix(code, g)) out.push(ref('energy_purchasing', g));
  }
  if (f.kind === 'need' && hasPrefix(code, 'SRV.PURCH')) {
    out.push(ref('energy_purchasing', 'SRV.PURCH'));
  }
  if (hasPrefix(code, 'LOG.PAL') || code === '150103') out.push(ref('pallets', 'LOG.PAL'));
  if (f.kind === 'waste' && /^\d{6}$/.test(code)) {
    const sub = code.slice(0, 4);
    out.push(ref('waste_collection', f.hazardous ? `${sub}*` : sub));
  }
  if (f.kind === 'need' && hasPrefix(code, 'SRV.COLL')) {
    out.push(ref('waste_collection', 'SRV.COLL'));
  }
  if (
    f.kind === 'need' &&
    ((hasPrefix(code, 'SRV') &&
      code !== 'SRV' &&
      !hasPrefix(code, 'SRV.PURCH') &&
      !hasPrefix(code, 'SRV.COLL')) ||
      (hasPrefix(code, 'SKL') && code !== 'SKL'))
  ) {
    out.push(ref('services', code));
  }
  if (
    (f.kind === 'need' || f.kind === 'input') &&
    ((hasPrefix(code, 'EQP') && code !== 'EQP') || (hasPrefix(code, 'SPC') && code !== 'SPC'))
  ) {
    out.push(ref('equipment', code));
  }
  return out;
}

/** Group id of a (stored) mutualisation proposal. */
export const proposalGroupId = (p: { theme: WorkingGroupTheme | null; resourceCode: string }) =>
  `${p.theme ?? ''}|${p.resourceCode}`;

function actionFr(ctx: Context, g: GroupRef): string {
  const label = () => lcFirst(resourceLabel(ctx, g.code));
  switch (g.theme) {
    case 'energy_purchasing':
      return g.code === 'SRV.PURCH'
        ? `grouper leurs achats (${label()})`
        : `grouper leurs achats ${ENERGY_LABELS[g.code] ?? de(label())}`;
    case 'pallets':
      return 'mutualiser la gestion de leurs palettes (achat, reprise, réparation)';
    case 'waste_collection': {
      if (g.code === 'SRV.COLL') return 'mutualiser leurs prestations de collecte de déchets';
      const sub = g.code.slice(0, 4);
      const hazardous = g.code.endsWith('*') ? ' dangereux' : '';
      const known = ctx.resources.get(sub)?.labelFr;
      return known
        ? `mutualiser la collecte de leurs déchets${hazardous} « ${known} »`
        : `mutualiser la collecte de leurs déchets${hazardous} du sous-chapitre ${sub.slice(0, 2)} ${sub.slice(2)}`;
    }
    case 'services':
      return `mutualiser leur besoin « ${resourceLabel(ctx, g.code)} »`;
    case 'equipment':
      return `partager « ${resourceLabel(ctx, g.code)} »`;
  }
}

function clusterProposal(
  ctx: Context,
  g: GroupRef,
  members: string[],
  flowsOf: Map<string, SnapshotFlow[]>,
): Proposal | null {
  const flows: SnapshotFlow[] = [];
  const participants: Participant[] = [];
  let declared = 0;
  for (const companyId of members) {
    const own = flowsOf.get(companyId) ?? [];
    if (own.some((f) => f.quantityPerYear !== null)) declared++;
    for (const f of own) {
      flows.push(f);
      participants.push({ role: 'member', companyId, flowId: f.id });
    }
  }
  const size = Math.min(1, members.length / 10);
  const share = Math.max(0.5, declared / members.length);
  const score = round(size * share, 4);
  if (score < ctx.params.minScore) return null;

  // Pooled volume, only when every quantified flow is in the same unit.
  const units = new Set<string | null>();
  let pooled = 0;
  for (const f of flows) {
    if (f.quantityPerYear === null) continue;
    units.add(unitOf(ctx, f));
    pooled += f.quantityPerYear;
  }
  const unit = units.size === 1 ? [...units][0]! : null;
  const quantity = unit !== null ? round(pooled, 6) : null;

  const companies = members.map((id) => ctx.companies.get(id)!);
  const zone = companies[0]!.zoneId;
  const sameZone = zone !== null && companies.every((c) => c.zoneId === zone);
  const zoneName = companies[0]!.zoneName;
  const who = sameZone ? (zoneName ? `de la zone « ${zoneName} »` : 'de la zone') : 'voisines';
  const explanation =
    `${members.length} entreprises ${who} peuvent ${actionFr(ctx, g)}` +
    (quantity !== null && quantity > 0 ? ` : ${frQuantity(quantity, unit)}` : '');

  return {
    key: proposalKey(
      'mutualisation',
      g.code,
      flows.map((f) => f.id),
    ),
    type: 'mutualisation',
    resourceCode: g.code,
    ruleId: null,
    score,
    breakdown: {
      confidence: round(size, 4),
      coverage: round(share, 4),
      distance: 1,
      regularity: 1,
      quality: 1,
      notes: [
        `taille du groupe : ${members.length} entreprises (÷ 10, au plus 1)`,
        `membres ayant déclaré une quantité : ${declared} sur ${members.length} (au moins 0,5)`,
      ],
    },
    explanationFr: explanation,
    participants,
    distanceKm: null,
    quantityPerYear: quantity,
    unit: quantity !== null ? unit : null,
    theme: g.theme,
    gains: mutualisationGains(g.theme, flows),
  };
}

function groupProposals(ctx: Context, g: GroupRef, flows: SnapshotFlow[], out: Proposal[]): void {
  const { mutualisationMinMembers: minMembers, mutualisationRadiusKm: radius } = ctx.params;
  const flowsOf = new Map<string, SnapshotFlow[]>();
  for (const f of flows) {
    const list = flowsOf.get(f.companyId);
    if (list) list.push(f);
    else flowsOf.set(f.companyId, [f]);
  }
  const ids = [...flowsOf.keys()].sort();
  if (ids.length < Math.max(1, minMembers)) return;
  const companies = ids.map((id) => ctx.companies.get(id)!);

  // Company–zone edges (the zone is a node of its own, projected away below):
  // companies of a zone are connected with one edge each, not pairwise.
  const graph = new UndirectedGraph();
  for (const id of ids) graph.addNode(id);
  for (const c of companies) {
    if (c.zoneId === null) continue;
    const zoneNode = `${ZONE_NODE}${c.zoneId}`;
    if (!graph.hasNode(zoneNode)) graph.addNode(zoneNode);
    graph.addEdge(zoneNode, c.id);
  }
  // Within the radius (spatial index; distance from the lower id to the higher).
  const located = companies.filter(hasLocation) as (SnapshotCompany & {
    lon: number;
    lat: number;
  })[];
  const idx = buildPointIndex(located, (c) => c);
  for (const a of located) {
    for (const b of itemsAround(idx, a.lon, a.lat, radius)) {
      if (b.id <= a.id) continue;
      if (distanceKm(a, b) <= radius) graph.addEdge(a.id, b.id);
    }
  }

  for (const component of connectedComponents(graph)) {
    const nodes = [...component].sort();
    const members = nodes.filter((n) => !n.startsWith(ZONE_NODE));
    if (members.length < minMembers) continue;
    if (members.length <= MAX_CLUSTER_SIZE) {
      const p = clusterProposal(ctx, g, members, flowsOf);
      if (p) out.push(p);
      continue;
    }
    // Split a large component into communities (seeded: same input, same split);
    // zone nodes take part (they pull their companies together), then are dropped.
    const sub = new UndirectedGraph();
    for (const id of nodes) sub.addNode(id);
    for (const u of nodes) {
      graph.forEachNeighbor(u, (v) => {
        if (v > u) sub.addEdge(u, v);
      });
    }
    const communities = louvain(sub, { rng: seededRng(seedOf(`${g.id}|${members[0]}`)) });
    const parts = new Map<number, string[]>();
    for (const id of members) {
      const c = communities[id] ?? -1;
      const list = parts.get(c);
      if (list) list.push(id);
      else parts.set(c, [id]);
    }
    for (const part of parts.values()) {
      if (part.length < minMembers) continue;
      const p = clusterProposal(ctx, g, part, flowsOf);
      if (p) out.push(p);
    }
  }
}

/** Mutualisation proposals of every group, or only of the groups in `only`. */
export function mutualisations(ctx: Context, only?: ReadonlySet<string>): Proposal[] {
  const groups = new Map<string, { ref: GroupRef; flows: SnapshotFlow[] }>();
  for (const f of [...ctx.snapshot.flows].sort(byId)) {
    if (!ctx.companies.has(f.companyId)) continue;
    for (const g of groupsOfFlow(f)) {
      if (only && !only.has(g.id)) continue;
      const entry = groups.get(g.id);
      if (entry) entry.flows.push(f);
      else groups.set(g.id, { ref: g, flows: [f] });
    }
  }
  const out: Proposal[] = [];
  for (const id of [...groups.keys()].sort()) {
    const { ref: g, flows } = groups.get(id)!;
    groupProposals(ctx, g, flows, out);
  }
  return out;
}
