import type { Executor } from '../../../core/src/db/database.ts';

export interface FlowFilter {
  territoryId: string;
  onlyCompanyId?: string;
  zoneId?: string;
  companyId?: string;
  kind?: string;
  category?: string;
  resourceCode?: string;
  resourcePrefix?: string;
  hazardous?: boolean;
  currentOnly: boolean;
  afterId?: string;
  limit: number;
}

export async function listFlows(db: Executor, f: FlowFilter) {
  let q = db
    .selectFrom('flow as f')
    .innerJoin('diagnostic as d', 'd.id', 'f.diagnostic_id')
    .innerJoin('company as c', 'c.id', 'f.company_id')
    .innerJoin('resource as r', 'r.code', 'f.resource_code')
    .selectAll('f')
    .select([
      'r.label_fr as resource_label',
      'c.name as company_name',
      'c.zone_id',
      'd.status as diagnostic_status',
      'd.version as diagnostic_version',
    ])
    .where('f.territory_id', '=', f.territoryId)
    .orderBy('f.id')
    .limit(f.limit + 1);
  if (f.currentOnly) q = q.where('d.status', '=', 'validated');
  if (f.onlyCompanyId) q = q.where('f.company_id', '=', f.onlyCompanyId);
  if (f.companyId) q = q.where('f.company_id', '=', f.companyId);
  if (f.zoneId) q = q.where('c.zone_id', '=', f.zoneId);
  if (f.kind) q = q.where('f.kind', '=', f.kind);
  if (f.category) q = q.where('f.category', '=', f.category);
  if (f.resourceCode) q = q.where('f.resource_code', '=', f.resourceCode);
  if (f.resourcePrefix)
    q = q.where(
      'f.resource_code',
      'like',
      `${f.resourcePrefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
    );
  if (f.hazardous !== undefined) q = q.where('f.hazardous', '=', f.hazardous);
  if (f.afterId) q = q.where('f.id', '>', f.afterId);
  return q.execute();
}
