import { parseResourceCodeFilter } from '../../../../shared/resource-code.ts';
import type { z } from 'zod';
import type { FlowListQuery } from '../../../../shared/schemas/flows.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { requireTerritoryReaderOf } from '../territories/territories.service.ts';
import { toFlow } from './flows.mapping.ts';
import * as repo from './flows.repo.ts';

export async function listFlows(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof FlowListQuery>,
) {
  await requireTerritoryReaderOf(db, ctx, territoryId);
  const after = decodeCursor<[string]>(q.cursor, 1);
  const { code: resourceCode, prefix: resourcePrefix } = q.resourceCode
    ? parseResourceCodeFilter(q.resourceCode)
    : {};
  const rows = await repo.listFlows(db, {
    territoryId,
    // A company user sees its own flows only.
    onlyCompanyId:
      ctx.principal.role === 'company' ? (ctx.principal.companyId ?? undefined) : undefined,
    zoneId: q.zoneId,
    companyId: q.companyId,
    kind: q.kind,
    category: q.category,
    resourceCode,
    resourcePrefix,
    hazardous: q.hazardous,
    currentOnly: q.scope === 'current',
    afterId: after?.[0],
    limit: q.limit,
  });
  return toPage(
    rows,
    q.limit,
    (r) => ({
      ...toFlow(r),
      companyName: r.company_name,
      zoneId: r.zone_id,
      diagnosticStatus: r.diagnostic_status,
      diagnosticVersion: r.diagnostic_version,
      createdAt: r.created_at.toISOString(),
    }),
    (r) => [r.id],
  );
}
