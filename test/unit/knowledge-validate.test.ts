import { describe, expect, it } from 'vitest';
import { effectiveRule, ruleSetVersion } from '../../shared/knowledge/effective.ts';
import { matchesResource, Rule } from '../../shared/knowledge/rules.ts';
import { validateKnowledgeBase, type ResourceInfo } from '../../shared/knowledge/validate.ts';
import {
  readEmissionFactorKeys,
  readResourceIndex,
  readRuleFiles,
} from '../../services/core/src/reference/files.ts';

const resources = new Map<string, ResourceInfo>([
  ['10', { canonicalUnit: 't', selectable: false, hazardous: false }],
  ['1001', { canonicalUnit: 't', selectable: false, hazardous: false }],
  ['100102', { canonicalUnit: 't', selectable: true, hazardous: false }],
  ['100104', { canonicalUnit: 't', selectable: true, hazardous: true }],
  ['MAT.MIN.CEM', { canonicalUnit: 't', selectable: true, hazardous: false }],
  ['MAT.MIN.CEM.CLINKER', { canonicalUnit: 't', selectable: true, hazardous: false }],
  ['ENE.HEAT.HW.MT', { canonicalUnit: 'MWh', selectable: true, hazardous: false }],
  ['ENE.GAS.NAT', { canonicalUnit: 'MWh', selectable: true, hazardous: false }],
]);
const emissionFactorKeys = new Set(['natural_gas_fr_pcs']);

const good = {
  id: 'fly-ash-to-cement',
  family: 'combustion_byproducts',
  labelFr: 'Cendres volantes → cimenterie',
  supply: { codes: ['100102'] },
  demand: { codes: ['MAT.MIN.CEM.CLINKER'] },
  confidence: 0.8,
  maxDistanceKm: 150,
  gain: { model: 'avoided_virgin_material', displaces: 'MAT.MIN.CEM.CLINKER', ratio: 1 },
  sources: [
    { kind: 'bref', title: 'BREF Cement, Lime and Magnesium Oxide', publisher: 'JRC', year: 2013 },
  ],
};

function check(rules: unknown[], path = 'rules/combustion_byproducts.yaml') {
  return validateKnowledgeBase({
    files: [{ path, content: { rules } }],
    resources,
    emissionFactorKeys,
  });
}
const messages = (rules: unknown[], path?: string) =>
  check(rules, path).problems.map((p) => `${p.path}: ${p.message}`);

describe('knowledge-base validation', () => {
  it('accepts a well-formed rule', () => {
    const r = check([good]);
    expect(r.problems).toEqual([]);
    expect(r.stats).toEqual({ rules: 1, byFamily: { combustion_byproducts: 1 }, sources: 1 });
  });

  it.each([
    ['an unknown code', { ...good, supply: { codes: ['999999'] } }, /supply.codes.0: code inconnu/],
    ['a heading used as a code', { ...good, supply: { codes: ['1001'] } }, /rubrique/],
    [
      'a prefix that matches nothing',
      { ...good, supply: { prefixes: ['1099'] } },
      /préfixe sans ressource/,
    ],
    ['a 3-digit EWC prefix', { ...good, supply: { prefixes: ['100'] } }, /2 ou 4 chiffres/],
    ['no source', { ...good, sources: [] }, /sources: au moins une source/],
    [
      'a source without a year',
      { ...good, sources: [{ kind: 'guide', title: 'Un guide' }] },
      /sources.0.year/,
    ],
    ['a confidence above 1', { ...good, confidence: 1.2 }, /^confidence/],
    ['a confidence of 0', { ...good, confidence: 0 }, /^confidence/],
    ['an unknown field', { ...good, confidance: 0.5 }, /confidance|Unrecognized/],
    [
      'an unknown emission factor',
      { ...good, gain: { ...good.gain, emissionFactors: ['unicorn_dust'] } },
      /facteur d’émission inconnu/,
    ],
    [
      'an unknown displaced resource',
      { ...good, gain: { ...good.gain, displaces: 'MAT.NOPE' } },
      /gain.displaces/,
    ],
    [
      'units that differ without conversion',
      { ...good, demand: { codes: ['ENE.HEAT.HW.MT'] } },
      /conversion MWh\/t requise/,
    ],
    [
      'mixed units on one side',
      { ...good, demand: { codes: ['ENE.HEAT.HW.MT', 'MAT.MIN.CEM.CLINKER'] } },
      /unités canoniques mélangées/,
    ],
    [
      'a hazardous supply without authorisation',
      {
        ...good,
        supply: { codes: ['100104'] },
        conditions: { hazardousRequiresAuthorisation: false },
      },
      /receveur autorisé/,
    ],
  ])('refuses %s', (_label, rule, expected) => {
    expect(messages([rule]).join('\n')).toMatch(expected);
  });

  it('refuses a conversion with the wrong unit, and accepts the right one', () => {
    const source = { kind: 'paper', title: 'Pouvoir calorifique', year: 2010 };
    const heat = {
      ...good,
      id: 'x-heat',
      supply: { codes: ['100102'] },
      demand: { codes: ['ENE.HEAT.HW.MT'] },
    };
    expect(
      messages([
        { ...heat, conversion: { factor: 2, unit: 't/MWh', labelFr: 'PCI', source } },
      ]).join(),
    ).toMatch(/attendu MWh\/t/);
    expect(
      messages([{ ...heat, conversion: { factor: 2, unit: 'MWh/t', labelFr: 'PCI', source } }]),
    ).toEqual([]);
  });

  it('refuses duplicate ids, duplicate supply/demand pairs and a family other than the file', () => {
    expect(messages([good, { ...good, maxDistanceKm: 10 }]).join('\n')).toMatch(
      /identifiant déjà utilisé[\s\S]*même offre et même demande/,
    );
    expect(messages([good], 'rules/heat_energy.yaml').join()).toMatch(/doit être celle du fichier/);
    const r = validateKnowledgeBase({
      files: [{ path: 'rules/x.yaml', content: { nope: [] } }],
      resources,
      emissionFactorKeys,
    });
    expect(r.problems[0]!.message).toMatch(/rules:/);
  });

  it('the shipped knowledge base is valid', async () => {
    const r = validateKnowledgeBase({
      files: await readRuleFiles(),
      resources: await readResourceIndex(),
      emissionFactorKeys: await readEmissionFactorKeys(),
    });
    expect(r.problems).toEqual([]);
  });
});

describe('rule matching and versions', () => {
  it('matches codes exactly, EWC prefixes by digits and catalogue prefixes by group', () => {
    expect(matchesResource({ codes: ['100102'], prefixes: [] }, '100102')).toBe(true);
    expect(matchesResource({ codes: [], prefixes: ['1001'] }, '100102')).toBe(true);
    expect(matchesResource({ codes: [], prefixes: ['1001'] }, '100202')).toBe(false);
    expect(matchesResource({ codes: [], prefixes: ['MAT.MIN.CEM'] }, 'MAT.MIN.CEM.CLINKER')).toBe(
      true,
    );
    expect(matchesResource({ codes: [], prefixes: ['MAT.MIN.CEM'] }, 'MAT.MIN.CEMX')).toBe(false);
  });

  it('applies an override and changes the rule-set version; the same rules give the same version', () => {
    const rule = Rule.parse(good);
    const tuned = effectiveRule(rule, { confidence: 0.4, maxDistanceKm: 30 });
    expect(tuned).toMatchObject({ confidence: 0.4, maxDistanceKm: 30, labelFr: rule.labelFr });
    expect(ruleSetVersion([rule])).toBe(
      ruleSetVersion([Rule.parse(JSON.parse(JSON.stringify(good)))]),
    );
    expect(ruleSetVersion([tuned])).not.toBe(ruleSetVersion([rule]));
    const other = Rule.parse({ ...good, id: 'other' });
    expect(ruleSetVersion([rule, other])).toBe(ruleSetVersion([other, rule]));
  });
});
