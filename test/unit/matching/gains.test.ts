import { describe, expect, it } from 'vitest';
import { runMatching } from '../../../shared/matching/engine.ts';
import { factorRole } from '../../../shared/matching/gains.ts';
import type { Proposal, Snapshot } from '../../../shared/matching/types.ts';
import { company, flow, km, northOf, rule, snapshot } from './fixtures.ts';

const A = company('A');
const B = northOf('B', 12.3);

const cardboard = (factors: string[], supplyQ: number | null, demandQ: number | null) =>
  snapshot({
    companies: [A, B],
    flows: [
      flow('A', 'waste', '150101', supplyQ, { costEurPerYear: 3000 }),
      flow('B', 'input', 'MAT.PAPER.PULP', demandQ, { costEurPerYear: 10000 }),
    ],
    rules: [
      rule(
        'cardboard-pulp',
        { codes: ['150101'] },
        { codes: ['MAT.PAPER.PULP'] },
        {
          gain: {
            model: 'avoided_disposal',
            ratio: 1,
            avoidedRoute: 'landfill',
            emissionFactors: factors,
          },
        },
      ),
    ],
  });
const one = (s: Snapshot): Proposal => {
  const list = runMatching(s).proposals.filter((p) => p.type === 'substitution');
  expect(list).toHaveLength(1);
  return list[0]!;
};

describe('gains of a substitution', () => {
  it('tonnes diverted = exchanged supply tonnes', () => {
    expect(one(cardboard([], 100, 60)).gains.tonnesDivertedPerYear).toBe(60);
    expect(one(cardboard([], 40, 60)).gains.tonnesDivertedPerYear).toBe(40);
    const unknownDemand = one(cardboard([], 40, null)).gains;
    expect(unknownDemand.tonnesDivertedPerYear).toBe(40);
    expect(unknownDemand.assumptions.join(' ')).toContain('toute l');
  });

  it('tonnes: null when the supply is not counted in tonnes', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'output', 'LOG.PAL.BROKEN', 100),
        flow('B', 'input', 'LOG.PAL.BROKEN', 100),
      ],
    });
    expect(one(s).gains.tonnesDivertedPerYear).toBeNull();
  });

  it('tCO2e: one disposal route is avoided, not the sum of those a rule lists', () => {
    const both = one(cardboard(['cardboard_landfill', 'cardboard_incineration'], 100, 100)).gains;
    const landfillOnly = one(cardboard(['cardboard_landfill'], 100, 100)).gains;
    expect(both.tco2eAvoidedPerYear).toBe(landfillOnly.tco2eAvoidedPerYear);
    expect(both.factors.map((f) => f.key)).not.toContain('cardboard_incineration');
    expect(both.assumptions.join(' ')).toMatch(/non cumulée avec « cardboard_incineration »/);
  });

  it('a per-kg virgin-production credit is never applied to items counted in units', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'output', 'LOG.PAL.BROKEN', 500),
        flow('B', 'input', 'LOG.PAL.BROKEN', 500),
      ],
      rules: [
        rule(
          'pallets-parts',
          { codes: ['LOG.PAL.BROKEN'] },
          { codes: ['LOG.PAL.BROKEN'] },
          {
            gain: {
              model: 'avoided_virgin_material',
              ratio: 1,
              avoidedRoute: 'none',
              emissionFactors: ['steel_virgin'],
            },
          },
        ),
      ],
    });
    const g = one(s).gains;
    expect(g.factors.map((f) => f.key)).not.toContain('steel_virgin');
    expect(g.assumptions.join(' ')).toMatch(/inconnue en tonnes/);
  });

  it('tCO2e: landfill credit minus transport, hand-computed', () => {
    const g = one(cardboard(['cardboard_landfill'], 100, 100)).gains;
    const d = km(A, B);
    // 100 t × 0.95 kgCO2e/kg = 95 tCO2e avoided;
    // transport 100 t × d km × (0.338 l/km × 3.07 kgCO2/l ÷ 12.5 t) / 1000.
    const transport = (100 * d * ((0.338 * 3.07) / 12.5)) / 1000;
    expect(transport).toBeCloseTo(0.1021, 4);
    expect(g.tco2eAvoidedPerYear).toBe(Math.round((95 - transport) * 1000) / 1000);
    expect(g.tco2eAvoidedPerYear).toBe(94.898);
    const keys = g.factors.map((f) => f.key);
    expect(keys).toEqual([
      'cardboard_landfill',
      'truck_40t_regional_consumption',
      'truck_40t_regional_payload',
      'diesel_road_litre',
    ]);
    expect(g.factors[0]).toMatchObject({ value: 0.95, unit: 'kgCO2e/kg', tco2e: 95 });
    expect(g.factors[0]!.source).toContain('nosgestesclimat');
    expect(g.factors[3]!.tco2e).toBeCloseTo(-transport, 4);
    expect(g.factors.every((f) => f.source.length > 0 && f.appliedTo.length > 0)).toBe(true);
  });

  it('tCO2e: treatment of the exchanged matter is a debit', () => {
    const g = one(cardboard(['cardboard_landfill', 'cardboard_recycling'], 100, 100)).gains;
    const transport = (100 * km(A, B) * ((0.338 * 3.07) / 12.5)) / 1000;
    expect(g.tco2eAvoidedPerYear).toBe(Math.round((95 - 26 - transport) * 1000) / 1000);
    expect(g.factors.find((f) => f.key === 'cardboard_recycling')!.tco2e).toBe(-26);
  });

  it('tCO2e: null (not 0) when no credit factor applies, with the reason', () => {
    const recyclingOnly = one(cardboard(['cardboard_recycling'], 100, 100)).gains;
    expect(recyclingOnly.tco2eAvoidedPerYear).toBeNull();
    expect(recyclingOnly.factors).toEqual([]);
    expect(recyclingOnly.assumptions.join(' ')).toContain('gain carbone non estimé');
    const none = one(cardboard([], 100, 100)).gains;
    expect(none.tco2eAvoidedPerYear).toBeNull();
  });

  it('tCO2e: exact match has no credit factor', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '150101', 10), flow('B', 'input', '150101', 10)],
    });
    const g = one(s).gains;
    expect(g.tco2eAvoidedPerYear).toBeNull();
    expect(g.assumptions.join(' ')).toContain('Correspondance exacte');
  });

  it('tCO2e: avoided virgin production uses the ratio', () => {
    const s = snapshot({
      companies: [A, B],
      flows: [flow('A', 'waste', '150101', 10), flow('B', 'input', 'MAT.PAPER.PULP', 10)],
      rules: [
        rule(
          'scrap',
          { codes: ['150101'] },
          { codes: ['MAT.PAPER.PULP'] },
          {
            gain: {
              model: 'avoided_virgin_material',
              ratio: 0.9,
              avoidedRoute: 'none',
              emissionFactors: ['steel_virgin'],
            },
          },
        ),
      ],
    });
    const g = one(s).gains;
    const transport = (10 * km(A, B) * ((0.338 * 3.07) / 12.5)) / 1000;
    expect(g.factors[0]).toMatchObject({ key: 'steel_virgin', tco2e: 19.89 });
    expect(g.tco2eAvoidedPerYear).toBe(Math.round((19.89 - transport) * 1000) / 1000);
  });

  it('tCO2e: avoided energy in MWh, no transport for energy', () => {
    const s = snapshot({
      companies: [A, northOf('H', 1)],
      flows: [
        flow('A', 'output', 'ENE.HEAT.WASTE.MT', 100),
        flow('H', 'need', 'ENE.HEAT.HW.MT', 100),
      ],
      rules: [
        rule(
          'heat',
          { prefixes: ['ENE.HEAT.WASTE'] },
          { prefixes: ['ENE.HEAT.HW'] },
          {
            gain: {
              model: 'avoided_fuel',
              ratio: 1,
              avoidedRoute: 'none',
              emissionFactors: ['natural_gas_fr_pcs'],
            },
          },
        ),
      ],
    });
    const g = one(s).gains;
    expect(g.tco2eAvoidedPerYear).toBe(21.5);
    expect(g.factors.map((f) => f.key)).toEqual(['natural_gas_fr_pcs']);
    expect(g.tonnesDivertedPerYear).toBeNull();
  });

  it('€: receiver purchase avoided × coverage + supplier disposal avoided × share', () => {
    // supply 60 t, demand 100 t: coverage 0.6, whole supply exchanged.
    const g1 = one(cardboard([], 60, 100)).gains;
    expect(g1.eurPerYear).toBe(10000 * 0.6 + 3000);
    expect(
      g1.assumptions.filter((a) => a.startsWith('Receveur') || a.startsWith('Fournisseur')),
    ).toHaveLength(2);
    // supply 100 t, demand 60 t: coverage 1, 60 % of the supply exchanged.
    expect(one(cardboard([], 100, 60)).gains.eurPerYear).toBe(10000 + 1800);
  });

  it('€: null when no cost is declared; a need saves no purchase', () => {
    const s = cardboard([], 100, 100);
    const noCost = { ...s, flows: s.flows.map((f) => ({ ...f, costEurPerYear: null })) };
    const g = one(noCost).gains;
    expect(g.eurPerYear).toBeNull();
    expect(g.assumptions.join(' ')).toContain('économie non estimée');
    const need = { ...s, flows: [s.flows[0]!, { ...s.flows[1]!, kind: 'need' as const }] };
    expect(one(need).gains.eurPerYear).toBe(3000);
  });

  it('classifies factor keys by naming convention', () => {
    expect(factorRole('cardboard_landfill')).toBe('disposal');
    expect(factorRole('hazardous_industrial_incineration')).toBe('disposal');
    expect(factorRole('mixed_nonhazardous_dib_eol')).toBe('disposal');
    expect(factorRole('pet_recycling')).toBe('treatment');
    expect(factorRole('food_waste_anaerobic_digestion')).toBe('treatment');
    expect(factorRole('biowaste_industrial_composting')).toBe('treatment');
    expect(factorRole('steel_virgin')).toBe('virgin');
    expect(factorRole('electricity_fr_mix_2024')).toBe('energy');
    expect(factorRole('biomethane_injected_pci')).toBe('energy');
    expect(factorRole('diesel_road_litre')).toBeNull();
  });
});
