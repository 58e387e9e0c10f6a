import { describe, expect, it } from 'vitest';
import { runMatching } from '../../../shared/matching/engine.ts';
import { NON_WASTE_EXACT_FACTOR } from '../../../shared/matching/substitution.ts';
import { proposalKey } from '../../../shared/matching/keys.ts';
import type { Proposal, Snapshot } from '../../../shared/matching/types.ts';
import { company, flow, km, northOf, rule, snapshot } from './fixtures.ts';

const r4 = (n: number) => Math.round(n * 1e4) / 1e4;
const subs = (s: Snapshot): Proposal[] =>
  runMatching(s).proposals.filter((p) => p.type === 'substitution');
const only = (s: Snapshot): Proposal => {
  const list = subs(s);
  expect(list).toHaveLength(1);
  return list[0]!;
};

const A = company('A', { sectorLabel: 'Fabrication de boissons', zoneName: 'Grand Sud' });
const B = northOf('B', 10, { sectorLabel: 'Culture et production animale' });

describe('substitution: candidates', () => {
  it('exact match: same resource, exact confidence, category distance bound', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '150101', 100, { id: 'fs' }),
        flow('B', 'input', '150101', 200, { id: 'fd' }),
      ],
    });
    const p = only(s);
    const d = km(A, B);
    expect(p.ruleId).toBeNull();
    expect(p.resourceCode).toBe('150101');
    expect(p.key).toBe(proposalKey('substitution', '150101', ['fd', 'fs']));
    expect(p.participants).toEqual([
      { role: 'supplier', companyId: 'A', flowId: 'fs' },
      { role: 'receiver', companyId: 'B', flowId: 'fd' },
    ]);
    expect(p.breakdown.confidence).toBe(0.85);
    expect(p.breakdown.coverage).toBe(0.5);
    expect(p.score).toBe(r4(0.85 * 0.5 * (1 - 0.5 * (d / 50))));
    expect(p.distanceKm).toBeCloseTo(10, 6);
    expect(p.quantityPerYear).toBe(100);
    expect(p.unit).toBe('t');
  });

  it('exact match falls back to 30 km for an unknown category', () => {
    const far = northOf('F', 31);
    const near = northOf('N', 29);
    const s = snapshot({
      companies: [A, far, near],
      flows: [
        flow('A', 'output', 'X.UNKNOWN', 5, { category: 'mystery' }),
        flow('F', 'input', 'X.UNKNOWN', 5, { category: 'mystery' }),
        flow('N', 'input', 'X.UNKNOWN', 5, { category: 'mystery' }),
      ],
    });
    expect(subs(s).map((p) => p.participants[1]!.companyId)).toEqual(['N']);
  });

  it('rule by code', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '020704', 120), flow('B', 'input', 'MAT.AGRI.FEED', 300)],
      rules: [rule('grains-feed', { codes: ['020704'] }, { codes: ['MAT.AGRI.FEED'] })],
    });
    const p = only(s);
    expect(p.ruleId).toBe('grains-feed');
    expect(p.breakdown.confidence).toBe(0.8);
    expect(p.score).toBe(r4(0.8 * 0.4 * (1 - 0.5 * (km(A, B) / 50))));
    expect(p.explanationFr).toBe(
      'Fabrication de boissons (Grand Sud) peut fournir 120 t/an de drêches de brasserie à une entreprise « Culture et production animale » à 10 km — règle « Règle grains-feed » (confiance 0,8)',
    );
    expect(p.explanationFr).not.toContain('secrète');
  });

  it('rule by EWC prefix', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '100102', 50), flow('B', 'input', 'MAT.CONST.CEMENT', 50)],
      rules: [rule('ash', { prefixes: ['1001'] }, { codes: ['MAT.CONST.CEMENT'] })],
    });
    expect(only(s).ruleId).toBe('ash');
  });

  it('rule by catalogue prefix (group, not string prefix)', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'output', 'ENE.HEAT.WASTE.MT', 500),
        flow('A', 'output', 'ENE.HEAT.WASTEX', 500),
        flow('B', 'need', 'ENE.HEAT.HW.MT', 400),
      ],
      rules: [
        rule(
          'heat',
          { prefixes: ['ENE.HEAT.WASTE'] },
          { prefixes: ['ENE.HEAT.HW'] },
          { maxDistanceKm: 20 },
        ),
      ],
    });
    const p = only(s);
    expect(p.resourceCode).toBe('ENE.HEAT.WASTE.MT');
    expect(p.breakdown.coverage).toBe(1);
    expect(p.quantityPerYear).toBe(400);
    expect(p.unit).toBe('MWh');
  });

  it('conversion: supply units into demand units', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '030105', 10), flow('B', 'input', 'ENE.BIOM.CHIP', 100)],
      rules: [
        rule(
          'wood',
          { prefixes: ['0301'] },
          { codes: ['ENE.BIOM.CHIP'] },
          {
            conversion: {
              factor: 3.5,
              unit: 'MWh/t',
              labelFr: 'PCI du bois sec',
              source: { kind: 'guide', title: 'Guide bois', year: 2018 },
            },
          },
        ),
      ],
    });
    const p = only(s);
    expect(p.breakdown.coverage).toBe(0.35);
    expect(p.quantityPerYear).toBe(35);
    expect(p.unit).toBe('MWh');
    expect(p.breakdown.notes.join(' ')).toContain('PCI du bois sec');
    expect(p.gains.tonnesDivertedPerYear).toBe(10);
  });

  it('different units without conversion: coverage unknown (0.5)', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '030105', 10), flow('B', 'input', 'ENE.BIOM.CHIP', 100)],
      rules: [rule('wood', { prefixes: ['0301'] }, { codes: ['ENE.BIOM.CHIP'] })],
    });
    const p = only(s);
    expect(p.breakdown.coverage).toBe(0.5);
    expect(p.quantityPerYear).toBe(100);
    expect(p.breakdown.notes.join(' ')).toContain('unités non comparables');
  });
});

describe('substitution: distance and location', () => {
  const C = northOf('C', 40);
  const make = (maxKm: number) =>
    snapshot({
      companies: [A, C],
      flows: [flow('A', 'waste', '150101', 10), flow('C', 'input', '150101', 10)],
      params: { ...snapshot().params, exactMatchMaxDistanceKm: { waste: maxKm } },
    });
  it('just inside the bound', () => {
    const d = km(A, C);
    const p = only(make(d + 0.001));
    expect(p.breakdown.distance).toBe(r4(1 - 0.5 * (d / (d + 0.001))));
  });
  it('just outside the bound', () => {
    expect(subs(make(km(A, C) - 0.001))).toEqual([]);
  });
  it('a rule uses its own distance', () => {
    const s = snapshot({
      companies: [A, C],
      flows: [flow('A', 'waste', '020704', 10), flow('C', 'input', 'MAT.AGRI.FEED', 10)],
      rules: [
        rule('near', { codes: ['020704'] }, { codes: ['MAT.AGRI.FEED'] }, { maxDistanceKm: 39 }),
      ],
    });
    expect(subs(s)).toEqual([]);
    expect(subs({ ...s, rules: [{ ...s.rules[0]!, maxDistanceKm: 41 }] })).toHaveLength(1);
  });

  it('no location: allowed in the same non-null zone, distance unknown (0.9)', () => {
    const U = company('U', { lon: null, lat: null, zoneId: 'z1' });
    const V = company('V', { zoneId: 'z1', lat: 50 }); // 470 km away, but same zone
    const W = company('W', { lon: null, lat: null, zoneId: 'z2' });
    const s = snapshot({
      companies: [U, V, W],
      flows: [
        flow('U', 'waste', '150101', 10),
        flow('V', 'input', '150101', 10),
        flow('W', 'input', '150101', 10),
      ],
    });
    const p = only(s);
    expect(p.participants.map((x) => x.companyId)).toEqual(['U', 'V']);
    expect(p.distanceKm).toBeNull();
    expect(p.breakdown.distance).toBe(0.9);
    expect(p.breakdown.notes.join(' ')).toContain('distance inconnue');
    expect(p.explanationFr).toContain('dans la même zone');
  });

  it('no location and no zone: no pair', () => {
    const U = company('U', { lon: null, lat: null, zoneId: null });
    const V = company('V', { zoneId: null });
    const s = snapshot({
      companies: [U, V],
      flows: [flow('U', 'waste', '150101', 10), flow('V', 'input', '150101', 10)],
    });
    expect(subs(s)).toEqual([]);
  });

  it('never pairs a company with itself', () => {
    const s = snapshot({
      companies: [A],
      flows: [flow('A', 'waste', '150101', 10), flow('A', 'input', '150101', 10)],
    });
    expect(subs(s)).toEqual([]);
  });
});

describe('substitution: scoring factors', () => {
  it('coverage: supply above demand covers it; unknown quantities count 0.5', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '150101', 300), flow('B', 'input', '150101', 200)],
    });
    const p = only(s);
    expect(p.breakdown.coverage).toBe(1);
    expect(p.quantityPerYear).toBe(200);
    const unknown = only({ ...s, flows: [{ ...s.flows[0]!, quantityPerYear: null }, s.flows[1]!] });
    expect(unknown.breakdown.coverage).toBe(0.5);
    expect(unknown.quantityPerYear).toBe(200);
    expect(unknown.breakdown.notes.join(' ')).toContain('quantités non renseignées');
    const none = only({
      ...s,
      flows: s.flows.map((f) => ({ ...f, quantityPerYear: null })),
    });
    expect(none.quantityPerYear).toBeNull();
  });

  it('hazardous supply: refused without authorisation, accepted with it', () => {
    const base = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '130205', 10, { hazardous: true }),
        flow('B', 'input', '130205', 10),
      ],
    });
    expect(subs(base)).toEqual([]);
    const ok = only({
      ...base,
      flows: [base.flows[0]!, { ...base.flows[1]!, quality: { authorisedHazardous: true } }],
    });
    expect(ok.breakdown.notes.join(' ')).toContain('dangereux');
  });

  it('hazardous supply through a rule that waives the authorisation', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '100102', 10, { hazardous: true }),
        flow('B', 'input', 'MAT.CONST.CEMENT', 10),
      ],
      rules: [
        rule(
          'ash',
          { prefixes: ['1001'] },
          { prefixes: ['MAT.CONST'] },
          {
            conditions: { hazardousRequiresAuthorisation: false, quality: [] },
          },
        ),
      ],
    });
    expect(subs(s)).toHaveLength(1);
    const strict = {
      ...s,
      rules: [rule('ash', { prefixes: ['1001'] }, { prefixes: ['MAT.CONST'] })],
    };
    expect(subs(strict)).toEqual([]);
  });

  describe('quality conditions', () => {
    const withCond = (optional: boolean, supplyQuality: Record<string, unknown>) =>
      snapshot({
        companies: [A, B],
        flows: [
          flow('A', 'waste', '020704', 100, { quality: supplyQuality }),
          flow('B', 'input', 'MAT.AGRI.FEED', 100, { quality: { foodGrade: true } }),
        ],
        rules: [
          rule(
            'grains',
            { codes: ['020704'] },
            { codes: ['MAT.AGRI.FEED'] },
            {
              conditions: {
                hazardousRequiresAuthorisation: true,
                quality: [
                  {
                    side: 'supply',
                    attribute: 'dryMatterPct',
                    min: 20,
                    max: 40,
                    optional,
                    labelFr: 'Matière sèche 20-40 %',
                  },
                  {
                    side: 'demand',
                    attribute: 'foodGrade',
                    equals: true,
                    optional: false,
                    labelFr: 'Qualité alimentaire',
                  },
                ],
              },
            },
          ),
        ],
      });
    it('satisfied', () => {
      expect(only(withCond(true, { dryMatterPct: 25 })).breakdown.quality).toBe(1);
    });
    it('violated (below min, above max, wrong type) excludes the pair', () => {
      expect(subs(withCond(true, { dryMatterPct: 10 }))).toEqual([]);
      expect(subs(withCond(true, { dryMatterPct: 45 }))).toEqual([]);
      expect(subs(withCond(true, { dryMatterPct: 'beaucoup' }))).toEqual([]);
    });
    it('demand-side equals violated', () => {
      const s = withCond(true, { dryMatterPct: 25 });
      const bad = { ...s, flows: [s.flows[0]!, { ...s.flows[1]!, quality: { foodGrade: false } }] };
      expect(subs(bad)).toEqual([]);
    });
    it('absent optional: × 0.85 and a note', () => {
      const p = only(withCond(true, {}));
      expect(p.breakdown.quality).toBe(0.85);
      expect(p.breakdown.notes).toContain('à vérifier : Matière sèche 20-40 %');
      expect(p.score).toBe(r4(0.8 * 1 * (1 - 0.5 * (km(A, B) / 50)) * 0.85));
    });
    it('absent required excludes the pair', () => {
      expect(subs(withCond(false, {}))).toEqual([]);
    });
  });

  it('one-off flows: regularity 0.6', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '150101', 100, { period: 'one_off' }),
        flow('B', 'input', '150101', 100),
      ],
    });
    const p = only(s);
    expect(p.breakdown.regularity).toBe(0.6);
    expect(p.score).toBe(r4(0.85 * 0.6 * (1 - 0.5 * (km(A, B) / 50))));
  });

  it('drops proposals below minScore', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '150101', 1), flow('B', 'input', '150101', 1000)],
    });
    expect(subs(s)).toEqual([]);
    expect(subs({ ...s, params: { ...s.params, minScore: 0 } })).toHaveLength(1);
  });
});

describe('substitution: one proposal per pair, rejections', () => {
  const s = snapshot({
    companies: [A, B],
    flows: [flow('A', 'waste', '150101', 100), flow('B', 'input', '150101', 100)],
    rules: [
      rule('strong', { codes: ['150101'] }, { prefixes: ['1501'] }, { confidence: 0.95 }),
      rule('weak', { prefixes: ['15'] }, { codes: ['150101'] }, { confidence: 0.4 }),
    ],
  });
  it('keeps the best-scoring candidate of a pair', () => {
    const p = only(s);
    expect(p.ruleId).toBe('strong');
    const exactWins = only({ ...s, rules: [s.rules[1]!] });
    expect(exactWins.ruleId).toBeNull();
  });
  it('on a tie, the exact match wins, then the lower rule id', () => {
    const tie = { ...s, rules: [{ ...s.rules[0]!, confidence: 0.85 }] };
    expect(only(tie).ruleId).toBeNull();
    const twoRules = {
      ...s,
      flows: [s.flows[0]!, { ...s.flows[1]!, resourceCode: 'MAT.PAPER.PULP' }],
      rules: [
        rule('zz', { codes: ['150101'] }, { codes: ['MAT.PAPER.PULP'] }),
        rule('aa', { codes: ['150101'] }, { codes: ['MAT.PAPER.PULP'] }),
      ],
    };
    expect(only(twoRules).ruleId).toBe('aa');
  });
  it('never proposes a rejected key again', () => {
    const key = only(s).key;
    expect(subs({ ...s, rejectedKeys: [key] })).toEqual([]);
  });
});

describe('exact-match confidence', () => {
  it('is full on a waste code and lower on a product, which is often plain trade', () => {
    const A = company('A');
    const B = northOf('B', 1);
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '150101', 10),
        flow('B', 'input', '150101', 10),
        flow('A', 'output', 'LOG.PAL.BROKEN', 100),
        flow('B', 'input', 'LOG.PAL.BROKEN', 100),
      ],
    });
    const byCode = Object.fromEntries(
      runMatching(s)
        .proposals.filter((p) => p.type === 'substitution')
        .map((p) => [p.resourceCode, p.breakdown.confidence]),
    );
    expect(byCode['150101']).toBe(0.85);
    expect(byCode['LOG.PAL.BROKEN']).toBeCloseTo(0.85 * NON_WASTE_EXACT_FACTOR, 4);
  });
});
