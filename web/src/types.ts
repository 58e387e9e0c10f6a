// API types, inferred from the zod schemas the API itself validates and
// serialises with (shared/schemas): the front end cannot drift from the API.
import type { z } from 'zod';
import type {
  LoginResult as LoginResultSchema,
  Me as MeSchema,
} from '../../shared/schemas/auth.ts';
import type {
  Company as CompanySchema,
  CompanyCreate as CompanyCreateSchema,
} from '../../shared/schemas/companies.ts';
import type {
  Diagnostic as DiagnosticSchema,
  DiagnosticSummary as DiagnosticSummarySchema,
  DiagnosticWrite as DiagnosticWriteSchema,
} from '../../shared/schemas/diagnostics.ts';
import type {
  Flow as FlowSchema,
  FlowInput as FlowInputSchema,
} from '../../shared/schemas/flows.ts';
import type {
  Insights as InsightsSchema,
  MatchRun as MatchRunSchema,
  Synergy as SynergySchema,
  SynergyListQuery as SynergyListQuerySchema,
} from '../../shared/schemas/matching.ts';
import type {
  Naf as NafSchema,
  Resource as ResourceSchema,
} from '../../shared/schemas/resources.ts';
import type { Territory as TerritorySchema } from '../../shared/schemas/territories.ts';
import type { ZoneFeatureCollection as ZoneFcSchema } from '../../shared/schemas/zones.ts';

export type Me = z.infer<typeof MeSchema>;
export type LoginResult = z.infer<typeof LoginResultSchema>;
export type Territory = z.infer<typeof TerritorySchema>;
export type ZoneFeatureCollection = z.infer<typeof ZoneFcSchema>;
export type Company = z.infer<typeof CompanySchema>;
export type CompanyCreate = z.input<typeof CompanyCreateSchema>;
export type Diagnostic = z.infer<typeof DiagnosticSchema>;
export type DiagnosticSummary = z.infer<typeof DiagnosticSummarySchema>;
export type DiagnosticWrite = z.input<typeof DiagnosticWriteSchema>;
export type Flow = z.infer<typeof FlowSchema>;
export type FlowInput = z.input<typeof FlowInputSchema>;
export type Resource = z.infer<typeof ResourceSchema>;
export type Naf = z.infer<typeof NafSchema>;
export type MatchRun = z.infer<typeof MatchRunSchema>;
export type Synergy = z.infer<typeof SynergySchema>;
export type SynergyStatus = Synergy['status'];
export type SynergyFilters = Partial<z.input<typeof SynergyListQuerySchema>>;
export type Insights = z.infer<typeof InsightsSchema>;
export type { EstimatedGains, ScoreBreakdown } from '../../shared/matching/types.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
