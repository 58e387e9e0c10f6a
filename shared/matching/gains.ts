// Estimated gains of a proposal: tonnes diverted, tCO2e avoided, € saved —
// every factor listed with its source, every assumption stated in French.
// Sign convention of `GainFactorUse.tco2e`: positive = avoided (credit),
// negative = emitted (debit); the net is their sum.
import type { Rule } from '../knowledge/rules.ts';
import type { Context } from './context.ts';
import { frNumber, round } from './format.ts';
import type {
  EmissionFactor,
  EstimatedGains,
  GainFactorUse,
  SnapshotFlow,
  WorkingGroupTheme,
} from './types.ts';

/** Transport of material flows: 40 t articulated truck, regional (Arrêté du 10 avril 2012). */
export const TRANSPORT_FACTOR_KEYS = {
  consumption: 'truck_40t_regional_consumption',
  fuel: 'diesel_road_litre',
  payload: 'truck_40t_regional_payload',
} as const;

/** Saving assumed for grouped energy purchasing (an assumption, not a sourced figure). */
export const ENERGY_PURCHASING_SAVING = 0.05;

export interface ExchangeFacts {
  supply: SnapshotFlow;
  demand: SnapshotFlow;
  rule: Rule | null;
  distanceKm: number | null;
  sUnit: string | null;
  dUnit: string | null;
  coverage: number;
  coverageKnown: boolean;
  /** Share of the supply taken by the receiver. */
  supplyShare: number;
  shareKnown: boolean;
  /** Exchanged quantity in supply units (null when the supply is not quantified). */
  exchangedSupply: number | null;
  /** Exchanged quantity in demand units. */
  exchangedDemand: number | null;
}

type FactorRole = 'disposal' | 'treatment' | 'virgin' | 'energy';

/**
 * What a factor key means, by naming convention of data/emission-factors.csv:
 * disposal routes avoided (credit), treatment the exchanged matter now
 * undergoes (debit), virgin production avoided (credit), energy avoided
 * (credit). `_eol` (average end of life) counts as disposal avoided.
 */
export function factorRole(key: string): FactorRole | null {
  if (/_(recycling|composting|anaerobic_digestion)$/.test(key)) return 'treatment';
  if (
    /_(landfill|incineration|eol)$/.test(key) ||
    /^(hazardous_industrial|residual_msw|putrescible)_/.test(key)
  ) {
    return 'disposal';
  }
  if (/_virgin$/.test(key)) return 'virgin';
  if (/^(electricity|natural_gas|biomethane)_/.test(key)) return 'energy';
  return null;
}

/**
 * A waste avoids ONE disposal route, not all of those a rule lists: keep the
 * disposal factor of the rule's `avoidedRoute` (an `_eol` average when given),
 * or else the lowest listed one (conservative), and say which.
 */
function keysToApply(
  ctx: Context,
  gain: { emissionFactors: string[]; avoidedRoute: string },
  assumptions: string[],
): string[] {
  const disposal = gain.emissionFactors.filter(
    (k) => factorRole(k) === 'disposal' && ctx.factors.has(k),
  );
  if (disposal.length <= 1) return gain.emissionFactors;
  const suffix = gain.avoidedRoute.startsWith('incineration')
    ? '_incineration'
    : `_${gain.avoidedRoute}`;
  const chosen =
    disposal.find((k) => k.endsWith(suffix)) ??
    disposal.find((k) => k.endsWith('_eol')) ??
    [...disposal].sort(
      (a, b) => ctx.factors.get(a)!.value - ctx.factors.get(b)!.value || (a < b ? -1 : 1),
    )[0]!;
  const dropped = disposal.filter((k) => k !== chosen);
  assumptions.push(
    `Filière d'élimination évitée retenue : « ${chosen} » (${
      chosen.endsWith(suffix)
        ? `filière de la règle : ${gain.avoidedRoute}`
        : 'la plus basse des filières citées, par prudence'
    }) ; non cumulée avec ${dropped.map((k) => `« ${k} »`).join(', ')}.`,
  );
  return gain.emissionFactors.filter((k) => !dropped.includes(k));
}

const MASS_UNIT = /^kgCO2e?\/kg$/;
const ENERGY_UNIT = /^kgCO2e?\/kWh/;

function use(f: EmissionFactor, appliedTo: string, tco2e: number): GainFactorUse {
  return {
    key: f.key,
    label: f.label,
    value: f.value,
    unit: f.unit,
    source: f.source,
    appliedTo,
    tco2e: round(tco2e, 4),
  };
}

const fr = (n: number) => frNumber(n, 2);

function carbon(ctx: Context, x: ExchangeFacts, factors: GainFactorUse[], assumptions: string[]) {
  const rule = x.rule;
  if (rule === null) {
    assumptions.push(
      "Correspondance exacte (même ressource) : aucune règle n'indique la filière évitée, le gain carbone n'est pas estimé.",
    );
    return null;
  }
  const tonnes = x.sUnit === 't' ? x.exchangedSupply : null;
  let net = 0;
  let credits = 0;
  for (const key of keysToApply(ctx, rule.gain, assumptions)) {
    const f = ctx.factors.get(key);
    if (!f) {
      assumptions.push(`Facteur « ${key} » absent de la base des facteurs : ignoré.`);
      continue;
    }
    const role = factorRole(key);
    if (role === 'disposal' || role === 'treatment') {
      if (tonnes === null || !MASS_UNIT.test(f.unit)) {
        assumptions.push(`Facteur « ${key} » non appliqué : l'offre n'est pas chiffrée en tonnes.`);
        continue;
      }
      const t = f.value * tonnes;
      if (role === 'disposal') {
        factors.push(use(f, `${fr(tonnes)} t × ${f.value} ${f.unit} (élimination évitée)`, t));
        net += t;
        credits++;
      } else {
        factors.push(
          use(f, `${fr(tonnes)} t × ${f.value} ${f.unit} (traitement de la matière échangée)`, -t),
        );
        net -= t;
      }
    } else if (role === 'virgin') {
      // A per-kg factor needs tonnes: the supply's, or the demand's after conversion
      // (pallets counted in units are not tonnes).
      const exchangedTonnes =
        x.sUnit === 't' ? x.exchangedSupply : x.dUnit === 't' ? x.exchangedDemand : null;
      if (exchangedTonnes === null || !MASS_UNIT.test(f.unit)) {
        assumptions.push(`Facteur « ${key} » non appliqué : quantité échangée inconnue en tonnes.`);
        continue;
      }
      const displaced = exchangedTonnes * rule.gain.ratio;
      const t = f.value * displaced;
      factors.push(
        use(
          f,
          `${fr(exchangedTonnes)} t × ${rule.gain.ratio} = ${fr(displaced)} t × ${f.value} ${f.unit} (production vierge évitée)`,
          t,
        ),
      );
      net += t;
      credits++;
    } else if (role === 'energy') {
      const mwh =
        x.sUnit === 'MWh' && x.exchangedSupply !== null
          ? x.exchangedSupply
          : x.dUnit === 'MWh'
            ? x.exchangedDemand
            : null;
      if (mwh === null || !ENERGY_UNIT.test(f.unit)) {
        assumptions.push(`Facteur « ${key} » non appliqué : énergie échangée inconnue en MWh.`);
        continue;
      }
      const avoided = mwh * rule.gain.ratio;
      const t = f.value * avoided;
      factors.push(
        use(
          f,
          `${fr(mwh)} MWh × ${rule.gain.ratio} = ${fr(avoided)} MWh × ${f.value} ${f.unit} (énergie évitée)`,
          t,
        ),
      );
      net += t;
      credits++;
    } else {
      assumptions.push(`Facteur « ${key} » : rôle inconnu (convention de nommage), ignoré.`);
    }
  }
  if (credits === 0) {
    assumptions.push(
      'Aucun facteur de gain (élimination, production vierge ou énergie évitées) ne s’applique : gain carbone non estimé.',
    );
    factors.length = 0;
    return null;
  }
  // Transport debit for material flows in tonnes over a known distance.
  if (tonnes !== null && tonnes > 0 && x.distanceKm !== null) {
    const c = ctx.factors.get(TRANSPORT_FACTOR_KEYS.consumption);
    const fuel = ctx.factors.get(TRANSPORT_FACTOR_KEYS.fuel);
    const p = ctx.factors.get(TRANSPORT_FACTOR_KEYS.payload);
    if (c && fuel && p && p.value > 0) {
      const perTkm = (c.value * fuel.value) / p.value; // kgCO2 per t·km
      const t = (tonnes * x.distanceKm * perTkm) / 1000;
      const tkm = `${fr(tonnes)} t × ${frNumber(x.distanceKm, 1)} km`;
      factors.push(use(c, `${tkm} : consommation du camion (aller simple)`, 0));
      factors.push(use(p, `${tkm} : chargement moyen (retours à vide inclus)`, 0));
      factors.push(
        use(
          fuel,
          `${tkm} × ${c.value} l/km × ${fuel.value} kgCO2/l ÷ ${p.value} t (transport)`,
          -t,
        ),
      );
      net -= t;
      assumptions.push(
        'Transport : camion articulé 40 t, trajet régional, distance à vol d’oiseau entre les deux sites.',
      );
    } else {
      assumptions.push('Transport non compté : facteurs du camion 40 t régional absents.');
    }
  } else if (x.distanceKm === null && tonnes !== null) {
    assumptions.push('Transport non compté : distance inconnue.');
  }
  return round(net, 3);
}

function euros(x: ExchangeFacts, assumptions: string[]): number | null {
  let total = 0;
  let parts = 0;
  const d = x.demand;
  const s = x.supply;
  if (d.kind === 'input' && d.costEurPerYear !== null) {
    const v = d.costEurPerYear * x.coverage;
    assumptions.push(
      `Receveur : achat évité = coût déclaré ${frNumber(d.costEurPerYear, 0)} €/an × couverture ${fr(x.coverage)}${x.coverageKnown ? '' : ' (estimée)'} = ${frNumber(v, 0)} €/an.`,
    );
    total += v;
    parts++;
  }
  if (s.kind === 'waste' && s.costEurPerYear !== null) {
    const v = s.costEurPerYear * x.supplyShare;
    assumptions.push(
      `Fournisseur : élimination évitée = coût déclaré ${frNumber(s.costEurPerYear, 0)} €/an × part de l'offre échangée ${fr(x.supplyShare)}${x.shareKnown ? '' : ' (toute l’offre supposée reprise)'} = ${frNumber(v, 0)} €/an.`,
    );
    total += v;
    parts++;
  }
  if (parts === 0) {
    assumptions.push(
      'Aucun coût déclaré (achat du receveur, élimination du fournisseur) : économie non estimée.',
    );
    return null;
  }
  return round(total, 2);
}

export function substitutionGains(ctx: Context, x: ExchangeFacts): EstimatedGains {
  const factors: GainFactorUse[] = [];
  const assumptions: string[] = [];
  let tonnes: number | null = null;
  if (x.sUnit === 't' && x.exchangedSupply !== null) {
    tonnes = round(x.exchangedSupply, 6);
    assumptions.push(
      x.shareKnown
        ? `Tonnage échangé : min(offre, demande) = ${fr(tonnes)} t/an.`
        : `Demande non chiffrée : toute l'offre (${fr(tonnes)} t/an) est supposée reprise.`,
    );
  } else {
    assumptions.push("Tonnage détourné non calculé : l'offre n'est pas chiffrée en tonnes.");
  }
  const tco2e = carbon(ctx, x, factors, assumptions);
  const eur = euros(x, assumptions);
  return {
    tonnesDivertedPerYear: tonnes,
    tco2eAvoidedPerYear: tco2e,
    eurPerYear: eur,
    factors,
    assumptions,
  };
}

export function mutualisationGains(
  theme: WorkingGroupTheme,
  flows: readonly SnapshotFlow[],
): EstimatedGains {
  const assumptions = [
    'Mutualisation : le regroupement ne change pas la filière des flux, ni tonnage détourné ni gain carbone ne sont calculés.',
  ];
  let eur: number | null = null;
  if (theme === 'energy_purchasing') {
    const declared = flows.filter((f) => f.costEurPerYear !== null);
    if (declared.length > 0) {
      const total = declared.reduce((a, f) => a + (f.costEurPerYear ?? 0), 0);
      eur = round(total * ENERGY_PURCHASING_SAVING, 2);
      assumptions.push(
        `Hypothèse à confirmer : un achat groupé réduit la facture d'environ 5 % ; 5 % × ${frNumber(total, 0)} €/an déclarés par ${declared.length} flux = ${frNumber(eur, 0)} €/an (non sourcé, à valider avec les entreprises).`,
      );
    } else {
      assumptions.push('Aucun coût déclaré : économie non estimée.');
    }
  } else {
    assumptions.push('Économie non estimée pour ce thème (dépend des devis).');
  }
  return {
    tonnesDivertedPerYear: null,
    tco2eAvoidedPerYear: null,
    eurPerYear: eur,
    factors: [],
    assumptions,
  };
}
