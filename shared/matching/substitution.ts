// Substitution: one company's output or waste feeds another's input or need.
//
// The per-pair semantics (candidates, hazard, quality, units, coverage,
// distance, regularity, score, best candidate) live in `evaluatePair`, shared
// by the indexed search below and by the naive all-pairs implementation
// (naive.ts): the two differ only in how pairs are enumerated, which is what
// the benchmark and the tests compare.
import { matchesResource, type Rule } from '../knowledge/rules.ts';
import {
  byId,
  sortedById,
  isDemand,
  isSupply,
  resourceLabel,
  unitOf,
  type Context,
} from './context.ts';
import { de, frNumber, frQuantity, lcFirst, round } from './format.ts';
import { substitutionGains } from './gains.ts';
import { FlowTree } from './flow-tree.ts';
import { distanceKm, hasLocation } from './geo.ts';
import { proposalKey } from './keys.ts';
import type { Proposal, SnapshotCompany, SnapshotFlow } from './types.ts';

/** Fallback distance bound of an exact match when the category has none in the params. */
export const DEFAULT_EXACT_MAX_DISTANCE_KM = 30;
/** Distance factor when a location is missing and the pair is allowed by a shared zone. */
export const UNKNOWN_DISTANCE_FACTOR = 0.9;
/** Coverage assumed when quantities are missing or not comparable. */
export const UNKNOWN_COVERAGE = 0.5;
/** Quality factor per optional condition the flow does not state. */
export const UNSTATED_QUALITY_FACTOR = 0.85;
/** Regularity factor when either flow is a one-off stock. */
export const ONE_OFF_REGULARITY = 0.6;

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** One way a supply may feed a demand: an exact match (rule null) or a rule. */
export interface Candidate {
  rule: Rule | null;
  confidence: number;
  maxDistanceKm: number;
}

/**
 * An exact match on a waste code is strong evidence (a recycler declares the
 * waste it takes as its input). On a product, energy or service it is often
 * plain trade between neighbours rather than a symbiosis, so it ranks below
 * the exchanges documented by sourced rules.
 */
export const NON_WASTE_EXACT_FACTOR = 0.75;

export function exactCandidate(ctx: Context, code: string, category: string): Candidate {
  const cat = ctx.resources.get(code)?.category ?? category;
  return {
    rule: null,
    confidence:
      cat === 'waste'
        ? ctx.params.exactMatchConfidence
        : round4(ctx.params.exactMatchConfidence * NON_WASTE_EXACT_FACTOR),
    maxDistanceKm: ctx.params.exactMatchMaxDistanceKm[cat] ?? DEFAULT_EXACT_MAX_DISTANCE_KM,
  };
}

export function ruleCandidate(rule: Rule): Candidate {
  return { rule, confidence: rule.confidence, maxDistanceKm: rule.maxDistanceKm };
}

/**
 * Whether two companies may exchange, and at which distance: both located →
 * haversine (supply first); otherwise only inside the same non-null zone, with
 * an unknown distance. `undefined` = not allowed.
 */
export function pairDistance(
  supplier: SnapshotCompany,
  receiver: SnapshotCompany,
): number | null | undefined {
  if (hasLocation(supplier) && hasLocation(receiver)) return distanceKm(supplier, receiver);
  if (supplier.zoneId !== null && supplier.zoneId === receiver.zoneId) return null;
  return undefined;
}

interface Scored {
  cand: Candidate;
  score: number;
  coverage: number;
  coverageKnown: boolean;
  distanceFactor: number;
  regularity: number;
  quality: number;
  notes: string[];
  sUnit: string | null;
  dUnit: string | null;
  supplyInDemand: number | null;
  quantity: number | null;
  /** Share of the supply taken by the receiver (1 when the demand is not quantified). */
  supplyShare: number;
}

function checkQuality(cand: Candidate, s: SnapshotFlow, d: SnapshotFlow, notes: string[] | null) {
  let factor = 1;
  if (cand.rule === null) return factor;
  for (const c of cand.rule.conditions.quality) {
    const flow = c.side === 'supply' ? s : d;
    const v = flow.quality[c.attribute];
    if (v === undefined || v === null) {
      // Unstated: excluded only when the rule says the attribute is required;
      // otherwise kept with a lower score and a note saying what to check.
      if (c.optional === false) return null;
      factor *= UNSTATED_QUALITY_FACTOR;
      notes?.push(`à vérifier : ${c.labelFr}`);
      continue;
    }
    if (c.min !== undefined && !(typeof v === 'number' && v >= c.min)) return null;
    if (c.max !== undefined && !(typeof v === 'number' && v <= c.max)) return null;
    if (c.equals !== undefined && v !== c.equals) return null;
  }
  return factor;
}

/** The candidate's rule conversion when it is the one between these two units (supply → demand). */
export function applicableConversion(cand: Candidate, sUnit: string | null, dUnit: string | null) {
  const conv = cand.rule?.conversion;
  return conv && sUnit !== null && dUnit !== null && conv.unit === `${dUnit}/${sUnit}`
    ? conv
    : undefined;
}

/** Quantities in these units compare as they are. */
export const sameUnit = (a: string | null, b: string | null) => a !== null && a === b;

function scoreCandidate(
  ctx: Context,
  s: SnapshotFlow,
  d: SnapshotFlow,
  cand: Candidate,
  distance: number | null,
  /** Where the notes go; null while searching (only the best pair's are ever shown). */
  notes: string[] | null,
): Scored | null {
  if (distance !== null && distance > cand.maxDistanceKm) return null;
  // A hazardous supply goes only to a receiver that declares the authorisation;
  // exact matches have no rule to waive it, so they always require it.
  if (
    s.hazardous &&
    (cand.rule === null || cand.rule.conditions.hazardousRequiresAuthorisation) &&
    d.quality.authorisedHazardous !== true
  ) {
    return null;
  }
  const quality = checkQuality(cand, s, d, notes);
  if (quality === null) return null;
  if (s.hazardous) notes?.push('déchet dangereux : le receveur déclare être autorisé');

  // Units: quantities are canonical; a rule's conversion turns supply units into
  // demand units (only when it is the conversion between these two units).
  const sUnit = unitOf(ctx, s);
  const dUnit = unitOf(ctx, d);
  const conv = applicableConversion(cand, sUnit, dUnit);
  let supplyInDemand: number | null = null;
  if (s.quantityPerYear !== null) {
    if (conv) {
      supplyInDemand = s.quantityPerYear * conv.factor;
      notes?.push(`conversion : ${conv.labelFr} (× ${frNumber(conv.factor, 4)} ${conv.unit})`);
    } else if (sameUnit(sUnit, dUnit)) {
      supplyInDemand = s.quantityPerYear;
    } else {
      notes?.push(
        `unités non comparables (${sUnit ?? '?'} / ${dUnit ?? '?'}) : couverture estimée à 50 %`,
      );
    }
  }
  // Coverage: how much of the receiver's need the supply meets (a small
  // supply for a big need is a weak synergy); unknown quantities count 0.5,
  // neither hiding the pair nor ranking it with the quantified ones.
  const dq = d.quantityPerYear;
  let coverage: number;
  let coverageKnown = false;
  let quantity: number | null;
  let supplyShare = 1;
  if (supplyInDemand !== null && dq !== null && dq > 0) {
    quantity = Math.min(supplyInDemand, dq);
    coverage = quantity / dq;
    coverageKnown = true;
    if (supplyInDemand > 0) supplyShare = quantity / supplyInDemand;
  } else {
    coverage = UNKNOWN_COVERAGE;
    quantity = supplyInDemand ?? dq;
    if (s.quantityPerYear === null || dq === null || dq <= 0) {
      notes?.push('quantités non renseignées : couverture estimée à 50 %');
    }
  }

  // Distance: linear from 1 next door to 0.5 at the bound (beyond: no pair);
  // unknown within a shared zone, 0.9 (a zone is a few km across).
  let distanceFactor: number;
  if (distance === null) {
    distanceFactor = UNKNOWN_DISTANCE_FACTOR;
    notes?.push('localisation manquante : même zone, distance inconnue (facteur 0,9)');
  } else {
    distanceFactor = 1 - 0.5 * (distance / cand.maxDistanceKm);
  }
  // A one-off stock feeds a recurring need once: worth less than a steady flow.
  const oneOff = s.period === 'one_off' || d.period === 'one_off';
  const regularity = oneOff ? ONE_OFF_REGULARITY : 1;
  if (oneOff) notes?.push('flux ponctuel : régularité 0,6');

  const score = round(cand.confidence * coverage * distanceFactor * regularity * quality, 4);
  if (score < ctx.params.minScore) return null;
  return {
    cand,
    score,
    coverage,
    coverageKnown,
    distanceFactor,
    regularity,
    quality,
    notes: notes ?? [],
    sUnit,
    dUnit,
    supplyInDemand,
    quantity,
    supplyShare,
  };
}

/** Best first: higher score, then the exact match, then the lower rule id. */
function better(a: Scored, b: Scored): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const ra = a.cand.rule?.id ?? '';
  const rb = b.cand.rule?.id ?? '';
  return ra < rb;
}

function who(c: SnapshotCompany, fallback: string): string {
  const sector = c.sectorLabel.trim() || fallback;
  return c.zoneName ? `${sector} (${c.zoneName})` : sector;
}

function explain(
  ctx: Context,
  s: SnapshotFlow,
  cs: SnapshotCompany,
  cd: SnapshotCompany,
  best: Scored,
  distance: number | null,
): string {
  const label = lcFirst(resourceLabel(ctx, s.resourceCode));
  const what =
    best.quantity !== null && best.quantity > 0
      ? `${frQuantity(best.quantity, best.dUnit)} ${de(label)}`
      : `des flux ${de(label)}`;
  const where =
    distance === null ? 'dans la même zone (distance non connue)' : `à ${frNumber(distance, 1)} km`;
  const why = best.cand.rule
    ? `règle « ${best.cand.rule.labelFr} »`
    : 'même ressource des deux côtés';
  return (
    `${who(cs, 'Une entreprise')} peut fournir ${what} à une entreprise « ${who(cd, 'secteur non renseigné')} » ` +
    `${where} — ${why} (confiance ${frNumber(best.cand.confidence, 2)})`
  );
}

/**
 * A scored pair: what the search and the caps need (score, lazily the key);
 * the proposal (notes, explanation, gains) is built only on demand — most
 * candidates never are, with the caps.
 */
export class ScoredPair {
  private cachedKey: string | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly s: SnapshotFlow,
    private readonly d: SnapshotFlow,
    private readonly cs: SnapshotCompany,
    private readonly cd: SnapshotCompany,
    private readonly cand: Candidate,
    private readonly distance: number | null,
    readonly score: number,
  ) {}

  get supplyId(): string {
    return this.s.id;
  }

  get demandId(): string {
    return this.d.id;
  }

  /** The proposal key (a hash: computed when first asked, for ties and the result). */
  get key(): string {
    return (this.cachedKey ??= proposalKey('substitution', this.s.resourceCode, [
      this.s.id,
      this.d.id,
    ]));
  }

  build(): Proposal {
    const { ctx, s, d, cs, cd, distance } = this;
    // Scored again with its notes: the same figures as during the search.
    const best = scoreCandidate(ctx, s, d, this.cand, distance, [])!;
    return buildProposal(ctx, s, d, cs, cd, best, distance);
  }
}

/**
 * Scores every candidate for one (supply flow, demand flow) pair and keeps the
 * best one, or null. The caller guarantees that the companies differ and that
 * `distance` comes from `pairDistance` (or equals it).
 */
export function scorePair(
  ctx: Context,
  s: SnapshotFlow,
  d: SnapshotFlow,
  cs: SnapshotCompany,
  cd: SnapshotCompany,
  candidates: readonly Candidate[],
  distance: number | null,
): ScoredPair | null {
  let best: Scored | null = null;
  for (const cand of candidates) {
    const sc = scoreCandidate(ctx, s, d, cand, distance, null);
    if (sc && (best === null || better(sc, best))) best = sc;
  }
  if (best === null) return null;
  return new ScoredPair(ctx, s, d, cs, cd, best.cand, distance, best.score);
}

/** The proposal of the best candidate of a pair, or null (`scorePair` and its build). */
export function evaluatePair(
  ctx: Context,
  s: SnapshotFlow,
  d: SnapshotFlow,
  cs: SnapshotCompany,
  cd: SnapshotCompany,
  candidates: readonly Candidate[],
  distance: number | null,
): Proposal | null {
  return scorePair(ctx, s, d, cs, cd, candidates, distance)?.build() ?? null;
}

function buildProposal(
  ctx: Context,
  s: SnapshotFlow,
  d: SnapshotFlow,
  cs: SnapshotCompany,
  cd: SnapshotCompany,
  best: Scored,
  distance: number | null,
): Proposal {
  const rule = best.cand.rule;
  const exchangedSupply = s.quantityPerYear === null ? null : s.quantityPerYear * best.supplyShare;
  return {
    key: proposalKey('substitution', s.resourceCode, [s.id, d.id]),
    type: 'substitution',
    resourceCode: s.resourceCode,
    ruleId: rule?.id ?? null,
    score: best.score,
    breakdown: {
      confidence: round(best.cand.confidence, 4),
      coverage: round(best.coverage, 4),
      distance: round(best.distanceFactor, 4),
      regularity: best.regularity,
      quality: round(best.quality, 4),
      notes: best.notes,
    },
    explanationFr: explain(ctx, s, cs, cd, best, distance),
    participants: [
      { role: 'supplier', companyId: s.companyId, flowId: s.id },
      { role: 'receiver', companyId: d.companyId, flowId: d.id },
    ],
    distanceKm: distance === null ? null : round(distance, 3),
    quantityPerYear: best.quantity === null ? null : round(best.quantity, 6),
    unit: best.dUnit,
    theme: null,
    gains: substitutionGains(ctx, {
      supply: s,
      demand: d,
      rule,
      distanceKm: distance,
      sUnit: best.sUnit,
      dUnit: best.dUnit,
      coverage: best.coverage,
      coverageKnown: best.coverageKnown,
      supplyShare: best.supplyShare,
      shareKnown: best.coverageKnown,
      exchangedSupply,
      exchangedDemand: best.quantity,
    }),
  };
}

// ------------------------------------------------------------ indexed search

export interface FlowEntry {
  flow: SnapshotFlow;
  company: SnapshotCompany;
}

/**
 * The flows of one side (supplies or demands) by resource code: a spatial
 * index of the located ones, and zone lists for the pairs found through a
 * shared zone. An index may hide the entries of some companies and carry an
 * `extra` index of their current flows (a prepared snapshot's changes).
 */
export interface FlowIndex {
  codes: string[];
  /** Categories of the flows of each code (the exact match may depend on it). */
  categories: Map<string, Set<string>>;
  located: Map<string, FlowTree<FlowEntry>>;
  /** `${zoneId}|${code}` → flows whose company has no location. */
  unlocatedByZone: Map<string, FlowEntry[]>;
  /** `${zoneId}|${code}` → all flows of the zone. */
  allByZone: Map<string, FlowEntry[]>;
  hidden?: ReadonlySet<string>;
  extra?: FlowIndex;
}
/** @deprecated name kept for the callers that index demands. */
export type DemandIndex = FlowIndex;

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function buildFlowIndex(
  ctx: Context,
  flows: readonly SnapshotFlow[],
  side: (f: SnapshotFlow) => boolean,
): FlowIndex {
  const locatedLists = new Map<string, FlowEntry[]>();
  const unlocatedByZone = new Map<string, FlowEntry[]>();
  const allByZone = new Map<string, FlowEntry[]>();
  const categories = new Map<string, Set<string>>();
  for (const flow of sortedById(flows)) {
    if (!side(flow)) continue;
    const company = ctx.companies.get(flow.companyId);
    if (!company) continue;
    let cats = categories.get(flow.resourceCode);
    if (!cats) categories.set(flow.resourceCode, (cats = new Set()));
    cats.add(flow.category);
    const e = { flow, company };
    if (hasLocation(company)) push(locatedLists, flow.resourceCode, e);
    if (company.zoneId !== null) {
      const zk = `${company.zoneId}|${flow.resourceCode}`;
      push(allByZone, zk, e);
      if (!hasLocation(company)) push(unlocatedByZone, zk, e);
    }
  }
  const located = new Map<string, FlowTree<FlowEntry>>();
  for (const [code, list] of locatedLists) {
    located.set(
      code,
      new FlowTree(
        list,
        (e) => e.company as { lon: number; lat: number },
        (e) => e.flow.quantityPerYear,
        (e) => unitOf(ctx, e.flow),
      ),
    );
  }
  return { codes: [...categories.keys()].sort(), categories, located, unlocatedByZone, allByZone };
}

export const buildDemandIndex = (ctx: Context, flows: readonly SnapshotFlow[]) =>
  buildFlowIndex(ctx, flows, isDemand);
export const buildSupplyIndex = (ctx: Context, flows: readonly SnapshotFlow[]) =>
  buildFlowIndex(ctx, flows, isSupply);

/** The index and its extra layer, each with the companies it hides. */
export function layers(index: FlowIndex): [FlowIndex, ReadonlySet<string> | undefined][] {
  return index.extra
    ? [
        [index, index.hidden],
        [index.extra, undefined],
      ]
    : [[index, index.hidden]];
}

/** Every code of the index, extra layer included. */
export function codesOf(index: FlowIndex): string[] {
  if (!index.extra) return index.codes;
  return [...new Set([...index.codes, ...index.extra.codes])].sort();
}

interface CodeCandidates {
  demandCode: string;
  candidates: Candidate[];
  maxDistanceKm: number;
}

/**
 * For a supply code, the demand codes (among those present) it may feed, with
 * their candidates. Each rule's demand codes are computed once over the codes
 * present, each supply code's list once per run.
 */
export class CandidateTable {
  private readonly ruleDemandCodes = new Map<Rule, string[]>();
  private readonly cache = new Map<string, CodeCandidates[]>();
  private readonly present: Set<string>;

  constructor(
    private readonly ctx: Context,
    demandCodes: readonly string[],
  ) {
    this.present = new Set(demandCodes);
    for (const rule of ctx.snapshot.rules) {
      this.ruleDemandCodes.set(
        rule,
        demandCodes.filter((c) => matchesResource(rule.demand, c)),
      );
    }
  }

  get(supplyCode: string, category: string): CodeCandidates[] {
    const ck = `${supplyCode}|${category}`;
    const hit = this.cache.get(ck);
    if (hit) return hit;
    const byCode = new Map<string, Candidate[]>();
    if (this.present.has(supplyCode)) {
      byCode.set(supplyCode, [exactCandidate(this.ctx, supplyCode, category)]);
    }
    for (const rule of this.ctx.snapshot.rules) {
      if (!matchesResource(rule.supply, supplyCode)) continue;
      for (const dc of this.ruleDemandCodes.get(rule) ?? []) push(byCode, dc, ruleCandidate(rule));
    }
    const list = [...byCode.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([demandCode, candidates]) => ({
        demandCode,
        candidates,
        maxDistanceKm: Math.max(...candidates.map((c) => c.maxDistanceKm)),
      }));
    this.cache.set(ck, list);
    return list;
  }

  /** The (supply code, category) pairs of `supplies` that may feed `demandCode`, with their candidates. */
  feeders(supplies: FlowIndex, demandCode: string): Feeder[] {
    let all = this.feederCache.get(demandCode);
    if (all) return all;
    all = [];
    const cats = new Map<string, Set<string>>();
    for (const [ix] of layers(supplies)) {
      for (const [code, set] of ix.categories) {
        let c = cats.get(code);
        if (!c) cats.set(code, (c = new Set()));
        for (const x of set) c.add(x);
      }
    }
    for (const code of [...cats.keys()].sort()) {
      for (const category of [...cats.get(code)!].sort()) {
        const hit = this.get(code, category).find((c) => c.demandCode === demandCode);
        if (hit) all.push({ supplyCode: code, category, ...hit });
      }
    }
    this.feederCache.set(demandCode, all);
    return all;
  }
  private readonly feederCache = new Map<string, Feeder[]>();
}

interface Feeder extends CodeCandidates {
  supplyCode: string;
  category: string;
}

/**
 * Proposals of the given supply flows against an index of demand flows: the
 * spatial index bounds each search by the largest distance of the candidates
 * for that demand code; unlocated pairs are found through the zone lists.
 * Each pair found is handed to `emit` (supply flows in the given order).
 */
export function searchSupplies(
  ctx: Context,
  supplies: readonly SnapshotFlow[],
  index: FlowIndex,
  emit: (p: ScoredPair) => void,
  table: CandidateTable = new CandidateTable(ctx, codesOf(index)),
): void {
  const ls = layers(index);
  for (const s of supplies) {
    if (!isSupply(s)) continue;
    const cs = ctx.companies.get(s.companyId);
    if (!cs) continue;
    const codeCands = table.get(s.resourceCode, s.category);
    if (codeCands.length === 0) continue;
    const located = hasLocation(cs);
    for (const { demandCode, candidates, maxDistanceKm } of codeCands) {
      for (const [ix, hidden] of ls) {
        if (located) {
          const idx = ix.located.get(demandCode);
          idx?.around(cs.lon, cs.lat, maxDistanceKm, (e) => {
            if (e.company.id === cs.id || hidden?.has(e.company.id)) return;
            const dist = distanceKm(cs, e.company as { lon: number; lat: number });
            const p = scorePair(ctx, s, e.flow, cs, e.company, candidates, dist);
            if (p) emit(p);
          });
        }
        if (cs.zoneId === null) continue;
        const zoneList = (located ? ix.unlocatedByZone : ix.allByZone).get(
          `${cs.zoneId}|${demandCode}`,
        );
        for (const e of zoneList ?? []) {
          if (e.company.id === cs.id || hidden?.has(e.company.id)) continue;
          const p = scorePair(ctx, s, e.flow, cs, e.company, candidates, null);
          if (p) emit(p);
        }
      }
    }
  }
}

/**
 * The other direction of `searchSupplies`: the supplies of an index that may
 * feed the given demand flows, found with the supplies' spatial index (the
 * same pairs, distances and scores as the forward search finds). Supplies for
 * which `skip` is true are left out.
 */
export function searchDemands(
  ctx: Context,
  demands: readonly SnapshotFlow[],
  index: FlowIndex,
  table: CandidateTable,
  emit: (p: ScoredPair) => void,
  skip: (s: SnapshotFlow) => boolean = () => false,
): void {
  const ls = layers(index);
  for (const d of demands) {
    if (!isDemand(d)) continue;
    const cd = ctx.companies.get(d.companyId);
    if (!cd) continue;
    const located = hasLocation(cd);
    for (const { supplyCode, category, candidates, maxDistanceKm } of table.feeders(
      index,
      d.resourceCode,
    )) {
      const found = (e: FlowEntry, dist: number | null) => {
        if (e.flow.category !== category || e.company.id === cd.id || skip(e.flow)) return;
        const p = scorePair(ctx, e.flow, d, e.company, cd, candidates, dist);
        if (p) emit(p);
      };
      for (const [ix, hidden] of ls) {
        if (located) {
          const idx = ix.located.get(supplyCode);
          idx?.around(cd.lon, cd.lat, maxDistanceKm, (e) => {
            if (!hidden?.has(e.company.id)) {
              found(e, distanceKm(e.company as { lon: number; lat: number }, cd));
            }
          });
        }
        if (cd.zoneId === null) continue;
        // A located demand meets the zone's unlocated supplies; an unlocated one, all of them.
        const zoneList = (located ? ix.unlocatedByZone : ix.allByZone).get(
          `${cd.zoneId}|${supplyCode}`,
        );
        for (const e of zoneList ?? []) {
          if (!hidden?.has(e.company.id)) found(e, null);
        }
      }
    }
  }
}

// ------------------------------------------------------------ caps per flow

/** The cap N of the params (Infinity when disabled: below 1 or not finite). */
export function capOf(ctx: Context): number {
  const n = ctx.params.maxProposalsPerFlow;
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : Infinity;
}

/** Rank order of the caps (and of the output): score desc, then key asc. */
export function rankOrder(
  a: { score: number; key: string },
  b: { score: number; key: string },
): number {
  return b.score !== a.score ? b.score - a.score : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export const supplyFlowOf = (p: Pick<Proposal, 'participants'>) =>
  p.participants.find((x) => x.role === 'supplier')?.flowId;
export const demandFlowOf = (p: Pick<Proposal, 'participants'>) =>
  p.participants.find((x) => x.role === 'receiver')?.flowId;

/** Inserts into a list kept sorted by `rankOrder` and at most `n` long. */
export function offer(list: ScoredPair[], p: ScoredPair, n: number): void {
  if (list.length >= n && rankOrder(p, list[list.length - 1]!) >= 0) return;
  let i = list.length;
  while (i > 0 && rankOrder(p, list[i - 1]!) < 0) i--;
  list.splice(i, 0, p);
  if (list.length > n) list.pop();
}

/**
 * Streams substitution candidates and keeps, per supply flow and per demand
 * flow, only the best `n` (bounded lists, never all the candidates): a
 * candidate is kept at the end if it is in both lists. Rejected keys are not
 * candidates (the next best takes their place).
 */
export class CapCollector {
  private readonly bySupply = new Map<string, ScoredPair[]>();
  private readonly byDemand = new Map<string, ScoredPair[]>();

  constructor(
    private readonly ctx: Context,
    private readonly n: number = capOf(ctx),
  ) {}

  readonly add = (p: ScoredPair): void => {
    if (this.ctx.rejected.has(p.key)) return;
    let ls = this.bySupply.get(p.supplyId);
    if (!ls) this.bySupply.set(p.supplyId, (ls = []));
    offer(ls, p, this.n);
    let ld = this.byDemand.get(p.demandId);
    if (!ld) this.byDemand.set(p.demandId, (ld = []));
    offer(ld, p, this.n);
  };

  /** The current top n of a supply flow (best first). */
  topOfSupply(id: string): readonly ScoredPair[] {
    return this.bySupply.get(id) ?? [];
  }

  /** The current top n of a demand flow (best first). */
  topOfDemand(id: string): readonly ScoredPair[] {
    return this.byDemand.get(id) ?? [];
  }

  /** The pairs in the top n of their supply flow and of their demand flow. */
  kept(): ScoredPair[] {
    const inDemandTop = new Set<ScoredPair>();
    for (const list of this.byDemand.values()) for (const p of list) inDemandTop.add(p);
    const out: ScoredPair[] = [];
    for (const list of this.bySupply.values()) {
      for (const p of list) if (inDemandTop.has(p)) out.push(p);
    }
    return out;
  }
}

/**
 * The caps applied to a complete list of candidates (as `CapCollector`, all
 * at once): what the naive implementation uses. A proposal's verdict is right
 * when the list holds every candidate of its supply flow and of its demand flow.
 */
export function applyCaps(ctx: Context, candidates: readonly Proposal[]): Proposal[] {
  const n = capOf(ctx);
  const ok = candidates.filter((p) => !ctx.rejected.has(p.key));
  const top = (flowOf: (p: Proposal) => string) => {
    const groups = new Map<string, Proposal[]>();
    for (const p of ok) push(groups, flowOf(p), p);
    const keep = new Set<Proposal>();
    for (const list of groups.values()) {
      for (const p of list.sort(rankOrder).slice(0, n)) keep.add(p);
    }
    return keep;
  };
  const bySupply = top((p) => p.participants[0]!.flowId);
  const byDemand = top((p) => p.participants[1]!.flowId);
  return ok.filter((p) => bySupply.has(p) && byDemand.has(p));
}

/**
 * Every candidate (before the caps) where the supply flow is in `supplyIds`
 * or the demand flow in `demandIds`: those supplies against every demand,
 * then every other supply against those demands (no pair computed twice).
 * `fullIndex` indexes every flow of the snapshot.
 */
export function candidatesOfFlows(
  ctx: Context,
  sortedFlows: readonly SnapshotFlow[],
  fullIndex: DemandIndex,
  supplyIds: ReadonlySet<string>,
  demandIds: ReadonlySet<string>,
  emit: (p: ScoredPair) => void,
): void {
  const supplies = sortedFlows.filter((f) => isSupply(f) && supplyIds.has(f.id));
  if (supplies.length > 0) searchSupplies(ctx, supplies, fullIndex, emit);
  const demands = sortedFlows.filter((f) => isDemand(f) && demandIds.has(f.id));
  if (demands.length === 0) return;
  const others = sortedFlows.filter((f) => isSupply(f) && !supplyIds.has(f.id));
  searchSupplies(ctx, others, buildDemandIndex(ctx, demands), emit);
}

/**
 * The largest distance at which a flow may be paired, whatever the resource
 * on the other side: its exact match and every rule it matches on its side.
 */
function flowReachKm(ctx: Context): (f: SnapshotFlow) => number {
  const anyExact = Math.max(
    DEFAULT_EXACT_MAX_DISTANCE_KM,
    ...Object.values(ctx.params.exactMatchMaxDistanceKm),
  );
  const cache = new Map<string, number>();
  return (f) => {
    const supply = isSupply(f);
    const ck = `${supply ? 's' : 'd'}|${f.resourceCode}|${f.category}`;
    const hit = cache.get(ck);
    if (hit !== undefined) return hit;
    // An exact match uses the supply's category: known from the resource, or
    // the flow's own on the supply side; otherwise any category's bound.
    let max =
      supply || ctx.resources.has(f.resourceCode)
        ? exactCandidate(ctx, f.resourceCode, f.category).maxDistanceKm
        : anyExact;
    for (const r of ctx.snapshot.rules) {
      if (matchesResource(supply ? r.supply : r.demand, f.resourceCode)) {
        max = Math.max(max, r.maxDistanceKm);
      }
    }
    cache.set(ck, max);
    return max;
  };
}

/**
 * Substitutions answered by an incremental run for `companyIds`, with the
 * flows whose stored proposals it answers for.
 *
 * With the caps, a change in the companies' flows changes the candidate
 * lists of every flow that has (or had) a candidate with one of their flows,
 * hence the verdict of those flows' other proposals too. Affected flows =
 * the companies' flows (before and after) plus every flow paired with one of
 * them, before or after the change; without `previousFlows`, the pairs of
 * before are unknown, so every flow of a company within reach (the largest
 * distance a candidate allows, or the same zone) counts as affected. The run
 * returns every kept proposal with an affected flow: its verdict needs the
 * complete candidate lists of both its flows, so the lists are computed for
 * the affected flows and for every flow they pair with (one level further).
 */
export function substitutionsAround(
  ctx: Context,
  companyIds: ReadonlySet<string>,
  previousFlows?: readonly SnapshotFlow[],
): { proposals: Proposal[]; supplyIds: Set<string>; demandIds: Set<string> } {
  const flows = sortedById(ctx.snapshot.flows);
  const fullIndex = buildDemandIndex(ctx, flows);
  const supplyIds = new Set<string>();
  const demandIds = new Set<string>();
  const addFlow = (f: SnapshotFlow) => {
    if (isSupply(f)) supplyIds.add(f.id);
    else if (isDemand(f)) demandIds.add(f.id);
  };
  const addPair = (p: ScoredPair) => {
    supplyIds.add(p.supplyId);
    demandIds.add(p.demandId);
  };

  // 1. The affected flows.
  const mine = flows.filter((f) => companyIds.has(f.companyId));
  mine.forEach(addFlow);
  candidatesOfFlows(ctx, flows, fullIndex, new Set(supplyIds), new Set(demandIds), addPair);
  if (previousFlows) {
    const before = previousFlows.filter((f) => companyIds.has(f.companyId)).sort(byId);
    before.forEach(addFlow);
    // The other companies' flows are unchanged: the pairs of before are the
    // previous flows against the current flows of the others.
    searchSupplies(ctx, before.filter(isSupply), fullIndex, addPair);
    const beforeDemands = before.filter(isDemand);
    if (beforeDemands.length > 0) {
      const others = flows.filter((f) => isSupply(f) && !companyIds.has(f.companyId));
      searchSupplies(ctx, others, buildDemandIndex(ctx, beforeDemands), addPair);
    }
  } else {
    // Unknown previous flows: a flow may have been paired with one of them
    // if a company of `companyIds` is within the largest distance a candidate
    // of the flow's resource allows (whatever the other resource), or in its zone.
    const reach = flowReachKm(ctx);
    const xs = [...companyIds].flatMap((id) => ctx.companies.get(id) ?? []);
    const distances = new Map<string, (number | null | undefined)[]>();
    for (const f of flows) {
      if (companyIds.has(f.companyId) || !(isSupply(f) || isDemand(f))) continue;
      const c = ctx.companies.get(f.companyId);
      if (!c) continue;
      let ds = distances.get(c.id);
      if (!ds) distances.set(c.id, (ds = xs.map((x) => pairDistance(c, x))));
      const r = reach(f);
      if (ds.some((d) => d === null || (d !== undefined && d <= r))) addFlow(f);
    }
  }

  // 2. The complete candidate lists of the affected flows, then of the flows
  // they pair with, streamed into the bounded lists of the caps (each pair
  // once: the second pass skips the pairs of the first).
  const collector = new CapCollector(ctx);
  const nextSupplies = new Set<string>();
  const nextDemands = new Set<string>();
  candidatesOfFlows(ctx, flows, fullIndex, supplyIds, demandIds, (p) => {
    if (!supplyIds.has(p.supplyId)) nextSupplies.add(p.supplyId);
    if (!demandIds.has(p.demandId)) nextDemands.add(p.demandId);
    collector.add(p);
  });
  candidatesOfFlows(ctx, flows, fullIndex, nextSupplies, nextDemands, (p) => {
    if (supplyIds.has(p.supplyId) || demandIds.has(p.demandId)) {
      return;
    }
    collector.add(p);
  });

  // 3. The verdicts are exact for the pairs of an affected flow (both of
  // their flows' lists are complete): those are the answer.
  const proposals = collector
    .kept()
    .filter((p) => supplyIds.has(p.supplyId) || demandIds.has(p.demandId))
    .map((p) => p.build());
  return { proposals, supplyIds, demandIds };
}
