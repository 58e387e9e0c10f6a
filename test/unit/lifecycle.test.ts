import { describe, expect, it } from 'vitest';
import {
  rejectionFingerprint,
  type FingerprintFlow,
} from '../../shared/lifecycle/rejection-fingerprint.ts';
import {
  CLOSED_STATUSES,
  OPEN_STATUSES,
  TRANSITIONS,
  acceptsRealisedGains,
  canTransition,
  needsReason,
} from '../../shared/lifecycle/state-machine.ts';
import { SYNERGY_STATUSES } from '../../shared/schemas/matching.ts';
import { coveredBy, poolTotals, poolingFilter } from '../../shared/working-groups/pooling.ts';

describe('synergy state machine', () => {
  it('closes (rejected, abandoned) from every open state and from no closed one', () => {
    for (const s of OPEN_STATUSES) {
      expect(canTransition(s, 'rejected')).toBe(true);
      expect(canTransition(s, 'abandoned')).toBe(true);
    }
    for (const s of CLOSED_STATUSES) {
      for (const to of SYNERGY_STATUSES) expect(canTransition(s, to)).toBe(false);
    }
  });
  it('moves forward one step at a time, never backwards nor to itself', () => {
    const order = ['proposed', 'qualified', 'under_study', 'in_progress', 'implemented'] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        expect(canTransition(order[i]!, order[j]!), `${order[i]} → ${order[j]}`).toBe(j === i + 1);
      }
    }
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SYNERGY_STATUSES].sort());
  });
  it('asks a reason to close; takes realised gains once the exchange runs', () => {
    expect(SYNERGY_STATUSES.filter(needsReason)).toEqual(['rejected', 'abandoned']);
    expect(SYNERGY_STATUSES.filter(acceptsRealisedGains)).toEqual(['in_progress', 'implemented']);
  });
});

describe('rejection fingerprint', () => {
  const supply: FingerprintFlow = {
    companyId: 'c1',
    resourceCode: 'LOG.PAL.BROKEN',
    quantityPerYear: 1200,
    unit: 'unit',
    hazardous: false,
    lon: 5.03,
    lat: 47.35,
  };
  const demand: FingerprintFlow = { ...supply, companyId: 'c2', quantityPerYear: 5000 };
  const fp = rejectionFingerprint(null, supply, demand);
  it('is stable for the same fields and changes with any matching-relevant one', () => {
    expect(rejectionFingerprint(null, { ...supply }, { ...demand })).toBe(fp);
    expect(rejectionFingerprint(null, { ...supply, lon: 5.0300000001 }, demand)).toBe(fp);
    for (const changed of [
      rejectionFingerprint('rule-x', supply, demand),
      rejectionFingerprint(null, { ...supply, quantityPerYear: 1300 }, demand),
      rejectionFingerprint(null, supply, { ...demand, unit: 't' }),
      rejectionFingerprint(null, { ...supply, hazardous: true }, demand),
      rejectionFingerprint(null, { ...supply, resourceCode: 'LOG.PAL.EUR' }, demand),
      rejectionFingerprint(null, supply, { ...demand, lat: 47.4 }),
      rejectionFingerprint(null, demand, supply),
    ]) {
      expect(changed).not.toBe(fp);
    }
  });
});

describe('pooling rule', () => {
  const f = (
    kind: 'input' | 'output' | 'waste' | 'need',
    resourceCode: string,
    hazardous = false,
  ) => ({
    kind,
    resourceCode,
    hazardous,
  });
  it('keeps bought electricity and natural gas for energy purchasing', () => {
    const keep = poolingFilter('energy_purchasing', []);
    expect(keep(f('input', 'ENE.ELEC'))).toBe(true);
    expect(keep(f('input', 'ENE.GAS.NAT'))).toBe(true);
    expect(keep(f('output', 'ENE.ELEC'))).toBe(false);
    expect(keep(f('input', 'ENE.GAS.LPG'))).toBe(false);
    expect(keep(f('input', 'ENE.ELECTRIC'))).toBe(false);
  });
  it('keeps pallets and wooden packaging waste for pallets', () => {
    const keep = poolingFilter('pallets', []);
    expect(keep(f('input', 'LOG.PAL.EUR'))).toBe(true);
    expect(keep(f('waste', '150103'))).toBe(true);
    expect(keep(f('waste', '150101'))).toBe(false);
  });
  it('follows the linked synergies’ resources for other themes (codes, sub-chapters, hazardous)', () => {
    expect(coveredBy(f('waste', '150101'), '1501')).toBe(true);
    expect(coveredBy(f('waste', '160107', true), '1601*')).toBe(true);
    expect(coveredBy(f('waste', '160107'), '1601*')).toBe(false);
    expect(coveredBy(f('need', 'SRV.CLEAN.OFFICE'), 'SRV.CLEAN')).toBe(true);
    expect(coveredBy(f('need', 'SRV.CLEANER'), 'SRV.CLEAN')).toBe(false);
    expect(poolingFilter('custom', [])(f('waste', '150101'))).toBe(false);
  });
  it('sums per kind, resource and unit, never across units', () => {
    const totals = poolTotals([
      {
        kind: 'input',
        resourceCode: 'ENE.ELEC',
        hazardous: false,
        companyId: 'a',
        quantityPerYear: 10,
        unit: 'MWh',
      },
      {
        kind: 'input',
        resourceCode: 'ENE.ELEC',
        hazardous: false,
        companyId: 'b',
        quantityPerYear: 5.5,
        unit: 'MWh',
      },
      {
        kind: 'input',
        resourceCode: 'ENE.ELEC',
        hazardous: false,
        companyId: 'b',
        quantityPerYear: 1,
        unit: 'MWh',
      },
      {
        kind: 'input',
        resourceCode: 'ENE.ELEC',
        hazardous: false,
        companyId: 'c',
        quantityPerYear: null,
        unit: 'MWh',
      },
      {
        kind: 'output',
        resourceCode: 'ENE.ELEC',
        hazardous: false,
        companyId: 'a',
        quantityPerYear: 2,
        unit: 'MWh',
      },
    ]);
    expect(totals).toEqual([
      { kind: 'input', resourceCode: 'ENE.ELEC', unit: 'MWh', quantityPerYear: 16.5, companies: 2 },
      { kind: 'output', resourceCode: 'ENE.ELEC', unit: 'MWh', quantityPerYear: 2, companies: 1 },
    ]);
  });
});
