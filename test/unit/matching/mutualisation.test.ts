import { describe, expect, it } from 'vitest';
import { runMatching } from '../../../shared/matching/engine.ts';
import { proposalKey } from '../../../shared/matching/keys.ts';
import { distanceKm } from '../../../shared/matching/geo.ts';
import { seededRng } from '../../../shared/matching/keys.ts';
import { gridCell, gridOffsets, groupsOfFlow } from '../../../shared/matching/mutualisation.ts';
import type { Proposal, Snapshot, SnapshotCompany } from '../../../shared/matching/types.ts';
import { company, flow, KM_PER_DEG_LAT, LAT0, northOf, shuffled, snapshot } from './fixtures.ts';

const muts = (s: Snapshot): Proposal[] =>
  runMatching(s).proposals.filter((p) => p.type === 'mutualisation');

// Far apart (100 km steps), so that only the zone joins them.
const inZone = (id: string, i: number, zoneId: string | null = 'z1') =>
  northOf(id, 100 * i, { zoneId, zoneName: zoneId === 'z1' ? 'Grand Sud' : null });

describe('mutualisation clusters', () => {
  it('by zone', () => {
    const cs = ['A', 'B', 'C'].map((id, i) => inZone(id, i));
    const s = snapshot({
      companies: [...cs, inZone('D', 3, 'z2')],
      flows: [
        flow('A', 'input', 'ENE.ELEC', 1000, { id: 'fa', costEurPerYear: 100000 }),
        flow('B', 'input', 'ENE.ELEC', 400, { id: 'fb' }),
        flow('C', 'input', 'ENE.ELEC', null, { id: 'fc', costEurPerYear: 20000 }),
        flow('D', 'input', 'ENE.ELEC', 7000, { id: 'fd' }),
      ],
    });
    const list = muts(s);
    expect(list).toHaveLength(1);
    const p = list[0]!;
    expect(p).toMatchObject({
      type: 'mutualisation',
      resourceCode: 'ENE.ELEC',
      theme: 'energy_purchasing',
      quantityPerYear: 1400,
      unit: 'MWh',
      ruleId: null,
      distanceKm: null,
    });
    expect(p.key).toBe(proposalKey('mutualisation', 'ENE.ELEC', ['fc', 'fa', 'fb']));
    expect(p.participants).toEqual([
      { role: 'member', companyId: 'A', flowId: 'fa' },
      { role: 'member', companyId: 'B', flowId: 'fb' },
      { role: 'member', companyId: 'C', flowId: 'fc' },
    ]);
    // min(1, 3/10) × max(0.5, 2/3)
    expect(p.score).toBe(Math.round(0.3 * (2 / 3) * 1e4) / 1e4);
    expect(p.explanationFr).toBe(
      "3 entreprises de la zone « Grand Sud » peuvent grouper leurs achats d'électricité : 1 400 MWh/an",
    );
    // 5 % of the declared costs, stated as an assumption to confirm.
    expect(p.gains.eurPerYear).toBe(6000);
    expect(p.gains.assumptions.join(' ')).toContain('Hypothèse à confirmer');
    expect(p.gains.tonnesDivertedPerYear).toBeNull();
    expect(p.gains.tco2eAvoidedPerYear).toBeNull();
  });

  it('by radius (chains of neighbours), not beyond', () => {
    const step = 2.5; // km: A–B–C within 3 km of the next, A–C 5 km apart
    const cs: SnapshotCompany[] = ['A', 'B', 'C'].map((id, i) =>
      northOf(id, step * i, { zoneId: null }),
    );
    const far = northOf('D', 20, { zoneId: null });
    const s = snapshot({
      companies: [...cs, far],
      flows: [...cs, far].map((c) => flow(c.id, 'need', 'SRV.TRAIN', 35)),
    });
    const list = muts(s);
    expect(list).toHaveLength(1);
    expect(list[0]!.participants.map((p) => p.companyId)).toEqual(['A', 'B', 'C']);
    expect(list[0]!.theme).toBe('services');
    expect(list[0]!.resourceCode).toBe('SRV.TRAIN');
    // 3 km radius: with a 2 km radius, nobody is connected.
    expect(muts({ ...s, params: { ...s.params, mutualisationRadiusKm: 2 } })).toEqual([]);
  });

  it('needs the minimum number of members', () => {
    const cs = ['A', 'B'].map((id, i) => inZone(id, i));
    const s = snapshot({
      companies: cs,
      flows: cs.map((c) => flow(c.id, 'input', 'ENE.GAS.NAT', 10)),
    });
    expect(muts(s)).toEqual([]);
    const two = muts({ ...s, params: { ...s.params, mutualisationMinMembers: 2 } });
    expect(two).toHaveLength(1);
    expect(two[0]!.resourceCode).toBe('ENE.GAS.NAT');
  });

  it('several flows of one company; mixed units give no pooled volume', () => {
    const cs = ['A', 'B', 'C'].map((id, i) => inZone(id, i));
    const s = snapshot({
      companies: cs,
      flows: [
        flow('A', 'input', 'LOG.PAL.EUR', 500),
        flow('A', 'waste', '150103', 2),
        flow('B', 'input', 'LOG.PAL.EUR', 300),
        flow('C', 'output', 'LOG.PAL.BROKEN', null),
      ],
    });
    const pallets = muts(s).filter((p) => p.theme === 'pallets');
    expect(pallets).toHaveLength(1);
    expect(pallets[0]!.resourceCode).toBe('LOG.PAL');
    expect(pallets[0]!.participants).toHaveLength(4);
    expect(pallets[0]!.quantityPerYear).toBeNull();
    expect(pallets[0]!.unit).toBeNull();
    expect(pallets[0]!.gains.eurPerYear).toBeNull();
  });

  it('themes and groups', () => {
    const g = (kind: Parameters<typeof flow>[1], code: string, hazardous = false) =>
      groupsOfFlow(flow('X', kind, code, 1, { hazardous })).map((r) => `${r.theme}|${r.code}`);
    expect(g('input', 'ENE.ELEC')).toEqual(['energy_purchasing|ENE.ELEC']);
    expect(g('input', 'ENE.ELEC.PV')).toEqual(['energy_purchasing|ENE.ELEC']);
    expect(g('input', 'ENE.GAS.LPG.PROPANE')).toEqual(['energy_purchasing|ENE.GAS.LPG']);
    expect(g('input', 'ENE.OIL.FOD')).toEqual(['energy_purchasing|ENE.OIL']);
    expect(g('input', 'ENE.GAS.BIOGAS')).toEqual([]);
    expect(g('output', 'ENE.ELEC')).toEqual([]);
    expect(g('need', 'SRV.PURCH.ENE')).toEqual(['energy_purchasing|SRV.PURCH']);
    expect(g('input', 'LOG.PAL.EUR')).toEqual(['pallets|LOG.PAL']);
    expect(g('waste', '150103')).toEqual(['pallets|LOG.PAL', 'waste_collection|1501']);
    expect(g('waste', '150101')).toEqual(['waste_collection|1501']);
    expect(g('waste', '130205', true)).toEqual(['waste_collection|1302*']);
    expect(g('output', '150101')).toEqual([]);
    expect(g('need', 'SRV.COLL.DIB')).toEqual(['waste_collection|SRV.COLL']);
    expect(g('need', 'SRV.TRAIN')).toEqual(['services|SRV.TRAIN']);
    expect(g('need', 'SKL.WELD')).toEqual(['services|SKL.WELD']);
    expect(g('input', 'SRV.TRAIN')).toEqual([]);
    expect(g('need', 'EQP.HANDL.FORKLIFT')).toEqual(['equipment|EQP.HANDL.FORKLIFT']);
    expect(g('input', 'SPC.STORAGE')).toEqual(['equipment|SPC.STORAGE']);
  });

  it('hazardous and non-hazardous wastes of a sub-chapter are pooled apart', () => {
    const cs = ['A', 'B', 'C', 'D', 'E', 'F'].map((id, i) => inZone(id, i));
    const s = snapshot({
      companies: cs,
      flows: [
        ...cs.slice(0, 3).map((c) => flow(c.id, 'waste', '150101', 2)),
        ...cs.slice(3).map((c) => flow(c.id, 'waste', '150110', 1, { hazardous: true })),
      ],
    });
    const list = muts(s);
    expect(list.map((p) => p.resourceCode).sort()).toEqual(['1501', '1501*']);
    expect(list.every((p) => p.theme === 'waste_collection')).toBe(true);
    expect(list.find((p) => p.resourceCode === '1501*')!.explanationFr).toContain('dangereux');
  });

  it('splits very large components into communities, deterministically', () => {
    // Two dense clusters of 35 companies 4 km apart, joined by one bridge company.
    const companies: SnapshotCompany[] = [];
    for (let i = 0; i < 70; i++) {
      const west = i < 35;
      companies.push(
        company(`c${String(i).padStart(2, '0')}`, {
          zoneId: null,
          lat: LAT0 + ((west ? 0 : 6) + (i % 35) * 0.05) / KM_PER_DEG_LAT,
        }),
      );
    }
    companies.push(company('bridge', { zoneId: null, lat: LAT0 + 3.85 / KM_PER_DEG_LAT }));
    const s = snapshot({
      companies,
      flows: companies.map((c) => flow(c.id, 'input', 'ENE.ELEC', 100)),
    });
    const list = muts(s);
    // One component of 71 (> 30) → Louvain finds the two clusters.
    expect(list.map((p) => p.participants.length).sort()).toEqual([35, 36]);
    const seen = new Set<string>();
    for (const p of list) {
      for (const m of p.participants) {
        expect(seen.has(m.companyId)).toBe(false);
        seen.add(m.companyId);
      }
      expect(p.participants.length).toBeLessThan(71);
    }
    expect(muts(shuffled(s, 7))).toEqual(list);
  });

  it('the grid never leaves out a cell where a point within the radius can be', () => {
    const rng = seededRng(11);
    for (const radius of [0.5, 3, 10]) {
      for (const maxLat of [43, 51.5, 70]) {
        const offsets = new Set(gridOffsets(maxLat).map(([dx, dy]) => `${dx},${dy}`));
        for (let i = 0; i < 20_000; i++) {
          const a = { lon: -5 + rng() * 15, lat: maxLat - rng() * 8 };
          // A point at most `radius` away (about), then kept only if truly within.
          const bearing = rng() * 2 * Math.PI;
          const d = radius * Math.sqrt(rng()) * 1.02;
          const b = {
            lat: a.lat + (d * Math.cos(bearing)) / 111.19,
            lon: a.lon + (d * Math.sin(bearing)) / (111.19 * Math.cos((a.lat * Math.PI) / 180)),
          };
          if (Math.abs(b.lat) > maxLat || distanceKm(a, b) > radius) continue;
          const [ax, ay] = gridCell(a, radius);
          const [bx, by] = gridCell(b, radius);
          if (ax === bx && ay === by) continue;
          expect(offsets.has(`${bx - ax},${by - ay}`)).toBe(true);
        }
      }
    }
  });
});
