import { describe, expect, it } from 'vitest';
import { cubeGroups } from '../../shared/indicators/cube.ts';
import { sweepStocks } from '../../shared/indicators/stocks.ts';
import {
  disclosed,
  primaryReason,
  suppress,
  type SecrecyCell,
  type SecrecyGroup,
} from '../../shared/indicators/secrecy.ts';

const cell = (id: string, value: number, companies: number, topShare = 0.1): SecrecyCell => ({
  id,
  value,
  companies,
  topShare,
});

describe('primary secrecy', () => {
  it('withholds fewer than 3 companies and a company over 85 %, not an empty cell', () => {
    expect(primaryReason(cell('a', 10, 2))).toBe('fewer_than_3');
    expect(primaryReason(cell('a', 10, 1, 1))).toBe('fewer_than_3');
    expect(primaryReason(cell('a', 10, 3))).toBeNull();
    expect(primaryReason(cell('a', 100, 5, 0.86))).toBe('dominance');
    expect(primaryReason(cell('a', 100, 5, 0.85))).toBeNull();
    expect(primaryReason(cell('a', 0, 0, 0))).toBeNull();
  });
});

describe('secondary secrecy', () => {
  it('withholds the smallest published member when one member of an equation is withheld', () => {
    const cells = [cell('T', 100, 9), cell('a', 5, 2), cell('b', 60, 4), cell('c', 35, 3)];
    const s = suppress(cells, [{ total: 'T', members: ['a', 'b', 'c'] }]);
    expect(Object.fromEntries(s)).toEqual({ a: 'fewer_than_3', c: 'secondary' });
  });

  it('withholds the total when the other members are empty', () => {
    const cells = [cell('T', 5, 2), cell('a', 5, 2)];
    const s = suppress(cells, [{ total: 'T', members: ['a', 'b'] }]);
    expect(s.get('T')).toBe('fewer_than_3');
    expect(s.get('a')).toBe('fewer_than_3');
    const one = suppress(
      [cell('T', 50, 4), cell('a', 50, 2)],
      [{ total: 'T', members: ['a', 'b'] }],
    );
    expect(one.get('T')).toBe('secondary');
  });

  it('propagates through a two-way table with margins until no equation has a single withheld cell', () => {
    // rows r1, r2; columns x, y; margins.
    const cells = [
      cell('r1x', 2, 1),
      cell('r1y', 40, 5),
      cell('r2x', 30, 4),
      cell('r2y', 50, 6),
      cell('r1', 42, 6),
      cell('r2', 80, 10),
      cell('x', 32, 5),
      cell('y', 90, 11),
      cell('T', 122, 16),
    ];
    const groups: SecrecyGroup[] = [
      { total: 'r1', members: ['r1x', 'r1y'] },
      { total: 'r2', members: ['r2x', 'r2y'] },
      { total: 'x', members: ['r1x', 'r2x'] },
      { total: 'y', members: ['r1y', 'r2y'] },
      { total: 'T', members: ['r1', 'r2'] },
      { total: 'T', members: ['x', 'y'] },
    ];
    const s = suppress(cells, groups);
    expect(s.get('r1x')).toBe('fewer_than_3');
    expect(disclosed(groups, new Set(cells.map((c) => c.id)), s)).toEqual([]);
    // The four inner cells are withheld, the margins stay published.
    expect([...s.keys()].sort()).toEqual(['r1x', 'r1y', 'r2x', 'r2y']);
  });

  it('holds on random tables (no equation ever keeps a single withheld cell)', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const rows = 2 + Math.floor(rnd() * 4);
      const cols = 2 + Math.floor(rnd() * 4);
      const cells: SecrecyCell[] = [];
      const groups: SecrecyGroup[] = [];
      const v: number[][] = [];
      const n: number[][] = [];
      for (let i = 0; i < rows; i++) {
        v.push([]);
        n.push([]);
        for (let j = 0; j < cols; j++) {
          const companies = Math.floor(rnd() * 6);
          const value = companies === 0 ? 0 : Math.round(rnd() * 100) + 1;
          v[i]!.push(value);
          n[i]!.push(companies);
          cells.push(cell(`c${i}.${j}`, value, companies, rnd() * 0.9));
        }
        const sum = v[i]!.reduce((a, b) => a + b, 0);
        cells.push(
          cell(
            `r${i}`,
            sum,
            n[i]!.reduce((a, b) => a + b, 0),
            0.3,
          ),
        );
        groups.push({ total: `r${i}`, members: v[i]!.map((_x, j) => `c${i}.${j}`) });
      }
      for (let j = 0; j < cols; j++) {
        const sum = v.reduce((a, r) => a + r[j]!, 0);
        cells.push(
          cell(
            `k${j}`,
            sum,
            n.reduce((a, r) => a + r[j]!, 0),
            0.3,
          ),
        );
        groups.push({ total: `k${j}`, members: v.map((_r, i) => `c${i}.${j}`) });
      }
      const total = v.flat().reduce((a, b) => a + b, 0);
      cells.push(
        cell(
          'T',
          total,
          n.flat().reduce((a, b) => a + b, 0),
          0.2,
        ),
      );
      groups.push({ total: 'T', members: v.map((_r, i) => `r${i}`) });
      groups.push({ total: 'T', members: v[0]!.map((_c, j) => `k${j}`) });
      const s = suppress(cells, groups);
      expect(disclosed(groups, new Set(cells.map((c) => c.id)), s), `trial ${trial}`).toEqual([]);
      for (const c of cells) if (primaryReason(c)) expect(s.has(c.id)).toBe(true);
    }
  });
});

describe('cube equations', () => {
  it('tie zones to the territory, categories to their total, months to quarters to the year', () => {
    const groups = cubeGroups(2024, ['territory', 'z1', 'none']);
    const has = (total: string, member: string) =>
      groups.some((g) => g.total === total && g.members.includes(member));
    expect(
      has(
        'year|2024-01-01|territory|diagnostics_conducted|',
        'year|2024-01-01|z1|diagnostics_conducted|',
      ),
    ).toBe(true);
    expect(has('month|2024-05-01|z1|flows_tonnes|', 'month|2024-05-01|z1|flows_tonnes|waste')).toBe(
      true,
    );
    expect(
      has('quarter|2024-04-01|none|flows_count|energy', 'month|2024-06-01|none|flows_count|energy'),
    ).toBe(true);
    expect(
      has(
        'year|2024-01-01|z1|diagnostics_conducted|',
        'quarter|2024-10-01|z1|diagnostics_conducted|',
      ),
    ).toBe(true);
    // Distinct companies do not add up over time; synergies do not add up over zones.
    expect(
      has(
        'year|2024-01-01|territory|companies_engaged|',
        'quarter|2024-01-01|territory|companies_engaged|',
      ),
    ).toBe(false);
    expect(has('year|2024-01-01|territory|synergies|*:*', 'year|2024-01-01|z1|synergies|*:*')).toBe(
      false,
    );
    expect(
      has(
        'year|2024-01-01|z1|synergies|substitution:*',
        'year|2024-01-01|z1|synergies|substitution:implemented',
      ),
    ).toBe(true);
  });
});

describe('synergy stocks swept month by month', () => {
  it('counts each synergy in its status at every month end, with company weights', () => {
    const months = ['2024-01-01', '2024-02-01', '2024-03-01'];
    const cells = sweepStocks(
      [
        // S1: proposed in January, implemented from February on.
        {
          synergyId: 's1',
          type: 'substitution',
          status: 'proposed',
          maxRank: 1,
          fromMonth: 0,
          toMonth: 0,
          gains: {},
        },
        {
          synergyId: 's1',
          type: 'substitution',
          status: 'implemented',
          maxRank: 5,
          fromMonth: 1,
          toMonth: null,
          gains: { gains_estimated_tonnes: 10 },
        },
        // S2: a mutualisation of three companies, proposed from March.
        {
          synergyId: 's2',
          type: 'mutualisation',
          status: 'proposed',
          maxRank: 1,
          fromMonth: 2,
          toMonth: null,
          gains: {},
        },
      ],
      [
        { synergyId: 's1', companyId: 'a', zone: 'z1' },
        { synergyId: 's1', companyId: 'b', zone: 'z2' },
        { synergyId: 's2', companyId: 'a', zone: 'z1' },
        { synergyId: 's2', companyId: 'c', zone: 'z1' },
        { synergyId: 's2', companyId: 'd', zone: 'z1' },
      ],
      months,
    );
    const get = (start: string, scope: string, metric: string, dim: string) =>
      cells.find(
        (c) => c.start === start && c.scope === scope && c.metric === metric && c.dim === dim,
      );
    expect(get('2024-01-01', 'territory', 'synergies', 'substitution:proposed')).toMatchObject({
      value: 1,
      companies: 2,
    });
    expect(get('2024-02-01', 'territory', 'synergies', 'substitution:proposed')).toBeUndefined();
    expect(get('2024-02-01', 'territory', 'synergies', 'substitution:implemented')).toMatchObject({
      value: 1,
    });
    expect(get('2024-02-01', 'territory', 'synergies_reached', '*:qualified')).toMatchObject({
      value: 1,
    });
    expect(get('2024-03-01', 'territory', 'synergies', '*:*')).toMatchObject({
      value: 2,
      companies: 4,
    });
    // a weighs 1/2 + 1/3 of the 2 synergies: the largest share.
    expect(get('2024-03-01', 'territory', 'synergies', '*:*')!.topShare).toBeCloseTo(
      (1 / 2 + 1 / 3) / 2,
      9,
    );
    // A synergy counts once in each zone it touches; gains split by the zone's companies.
    expect(get('2024-03-01', 'z1', 'synergies', '*:*')).toMatchObject({ value: 2, companies: 3 });
    expect(get('2024-03-01', 'z2', 'gains_estimated_tonnes', '')).toMatchObject({
      value: 5,
      companies: 1,
    });
    expect(get('2024-03-01', 'territory', 'gains_estimated_tonnes', '')).toMatchObject({
      value: 10,
      companies: 2,
    });
  });
});
