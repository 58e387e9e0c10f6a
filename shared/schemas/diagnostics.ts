import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';
import { Flow, FlowInput } from './flows.ts';

export const DIAGNOSTIC_STATUSES = ['draft', 'validated', 'superseded'] as const;
export const MAX_FLOWS_PER_DIAGNOSTIC = 500;

export const DiagnosticWrite = z.object({
  visitedAt: z.iso.date().nullish().describe('Date de la visite (AAAA-MM-JJ)'),
  notes: z.string().max(10_000).nullish(),
  flows: z.array(FlowInput).max(MAX_FLOWS_PER_DIAGNOSTIC).default([]),
});

export const Diagnostic = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    companyId: Uuid,
    version: z.number().int(),
    status: z.enum(DIAGNOSTIC_STATUSES),
    visitedAt: z.string().nullable(),
    notes: z.string().nullable(),
    authorId: Uuid.nullable(),
    revision: z.number().int().describe('Révision ; l’ETag de la ressource'),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    validatedAt: IsoDateTime.nullable(),
    validatedBy: Uuid.nullable(),
    supersededAt: IsoDateTime.nullable(),
    flows: z.array(Flow),
  })
  .meta({ id: 'Diagnostic' });

export const DiagnosticSummary = Diagnostic.omit({ flows: true })
  .extend({ flowCount: z.number().int() })
  .meta({ id: 'DiagnosticSummary' });
