import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry } from '../../../../shared/schemas/auth.ts';
import { PageQuery, TerritoryParams, page, problems } from '../../../../shared/schemas/common.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { contextOf } from '../http/transaction.ts';
import { requireTerritoryOfficer } from '../territories/territories.service.ts';
import { listAudit } from './audit.repo.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/territories/:territoryId/audit-log',
    {
      schema: {
        operationId: 'listAuditLog',
        summary: 'Journal des modifications du territoire (qui, quoi, quand, avant/après)',
        tags: ['audit'],
        params: TerritoryParams,
        querystring: PageQuery.extend({
          entity: z.string().max(40).optional(),
          entityId: z.string().max(100).optional(),
        }),
        response: { 200: page(AuditEntry), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const ctx = contextOf(req);
      await requireTerritoryOfficer(db, ctx, req.params.territoryId);
      const after = decodeCursor<[number]>(req.query.cursor, 1);
      const rows = await listAudit(db, {
        territoryId: req.params.territoryId,
        entity: req.query.entity,
        entityId: req.query.entityId,
        beforeId: after?.[0],
        limit: req.query.limit,
      });
      return toPage(
        rows,
        req.query.limit,
        (r) => ({
          id: r.id,
          territoryId: r.territory_id,
          actorUserId: r.actor_user_id,
          actorApiKeyId: r.actor_api_key_id,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          before: r.before,
          after: r.after,
          requestId: r.request_id,
          at: r.at.toISOString(),
        }),
        (r) => [r.id],
      );
    },
  );
};
