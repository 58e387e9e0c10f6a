import type { Flow } from '../../../../shared/schemas/flows.ts';
import type { z } from 'zod';

type FlowOut = z.infer<typeof Flow>;

export interface FlowRow {
  id: string;
  diagnostic_id: string;
  company_id: string;
  position: number;
  kind: string;
  category: string;
  resource_code: string;
  resource_label: string;
  label: string | null;
  quantity: number | null;
  unit: string | null;
  period: string | null;
  quantity_per_year: number | null;
  canonical_unit: string | null;
  cost_eur_per_year: number | null;
  hazardous: boolean;
  quality: unknown;
  availability: string | null;
  confidentiality: string;
}

export function toFlow(f: FlowRow): FlowOut {
  return {
    id: f.id,
    diagnosticId: f.diagnostic_id,
    companyId: f.company_id,
    position: f.position,
    kind: f.kind as FlowOut['kind'],
    category: f.category as FlowOut['category'],
    resourceCode: f.resource_code,
    resourceLabel: f.resource_label,
    label: f.label,
    quantity: f.quantity,
    unit: f.unit,
    period: f.period,
    quantityPerYear: f.quantity_per_year,
    canonicalUnit: f.canonical_unit,
    costEurPerYear: f.cost_eur_per_year,
    hazardous: f.hazardous,
    quality: (f.quality ?? {}) as Record<string, unknown>,
    availability: f.availability,
    confidentiality: f.confidentiality as FlowOut['confidentiality'],
  };
}
