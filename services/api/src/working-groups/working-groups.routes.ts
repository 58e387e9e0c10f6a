import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, TerritoryParams, page, problems } from '../../../../shared/schemas/common.ts';
import {
  LinkParams,
  Meeting,
  MeetingCreate,
  MeetingList,
  MemberParams,
  PooledVolumes,
  PooledVolumesQuery,
  SuggestionList,
  WorkingGroup,
  WorkingGroupCreate,
  WorkingGroupListQuery,
  WorkingGroupSummary,
  WorkingGroupUpdate,
} from '../../../../shared/schemas/working-groups.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './working-groups.service.ts';

export const workingGroupsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const tags = ['working-groups'];

  app.get(
    '/territories/:territoryId/working-groups',
    {
      schema: {
        operationId: 'listWorkingGroups',
        summary: 'Groupes de travail du territoire (filtres thème, statut)',
        tags,
        params: TerritoryParams,
        querystring: WorkingGroupListQuery,
        response: { 200: page(WorkingGroupSummary), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listGroups(db, contextOf(req), req.params.territoryId, req.query),
  );

  app.post(
    '/territories/:territoryId/working-groups',
    {
      schema: {
        operationId: 'createWorkingGroup',
        summary:
          'Créer un groupe de travail (achats d’énergie, services mutualisés, palettes, collecte, équipements, thème libre)',
        tags,
        params: TerritoryParams,
        body: WorkingGroupCreate,
        response: { 201: WorkingGroup, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createGroup(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.get(
    '/working-groups/:id',
    {
      schema: {
        operationId: 'getWorkingGroup',
        summary: 'Un groupe de travail : membres, synergies rattachées, dernière réunion',
        tags,
        params: IdParams,
        response: { 200: WorkingGroup, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getGroup(db, contextOf(req), req.params.id),
  );

  app.patch(
    '/working-groups/:id',
    {
      schema: {
        operationId: 'updateWorkingGroup',
        summary: 'Renommer, décrire, clore ou rouvrir un groupe de travail',
        tags,
        params: IdParams,
        body: WorkingGroupUpdate,
        response: { 200: WorkingGroup, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.updateGroup(trx, contextOf(req), req.params.id, req.body)),
  );

  app.put(
    '/working-groups/:id/members/:companyId',
    {
      schema: {
        operationId: 'addWorkingGroupMember',
        summary:
          'Ajouter une entreprise du territoire au groupe (sans effet si déjà membre) ; autre territoire → 422',
        tags,
        params: MemberParams,
        response: { 200: WorkingGroup, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.addMember(trx, contextOf(req), req.params.id, req.params.companyId),
      ),
  );

  app.delete(
    '/working-groups/:id/members/:companyId',
    {
      schema: {
        operationId: 'removeWorkingGroupMember',
        summary: 'Retirer une entreprise du groupe',
        tags,
        params: MemberParams,
        response: { 204: z.null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) =>
        service.removeMember(trx, contextOf(req), req.params.id, req.params.companyId),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/working-groups/:id/meetings',
    {
      schema: {
        operationId: 'listWorkingGroupMeetings',
        summary: 'Réunions du groupe, les plus récentes d’abord (présents, compte rendu)',
        tags,
        params: IdParams,
        response: { 200: MeetingList, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.listMeetings(db, contextOf(req), req.params.id),
  );

  app.post(
    '/working-groups/:id/meetings',
    {
      schema: {
        operationId: 'createWorkingGroupMeeting',
        summary: 'Enregistrer une réunion : date, entreprises et personnes présentes, compte rendu',
        tags,
        params: IdParams,
        body: MeetingCreate,
        response: { 201: Meeting, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createMeeting(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.put(
    '/working-groups/:id/synergies/:synergyId',
    {
      schema: {
        operationId: 'linkWorkingGroupSynergy',
        summary:
          'Rattacher une synergie au groupe ; une mutualisation y ajoute ses entreprises comme membres',
        tags,
        params: LinkParams,
        response: { 200: WorkingGroup, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.linkSynergy(trx, contextOf(req), req.params.id, req.params.synergyId),
      ),
  );

  app.delete(
    '/working-groups/:id/synergies/:synergyId',
    {
      schema: {
        operationId: 'unlinkWorkingGroupSynergy',
        summary: 'Détacher une synergie du groupe (les membres restent)',
        tags,
        params: LinkParams,
        response: { 204: z.null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) =>
        service.unlinkSynergy(trx, contextOf(req), req.params.id, req.params.synergyId),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/working-groups/:id/suggestions',
    {
      schema: {
        operationId: 'listWorkingGroupSuggestions',
        summary:
          'Mutualisations proposées par le moteur sur le thème du groupe, pas encore rattachées',
        tags,
        params: IdParams,
        response: { 200: SuggestionList, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.suggestions(db, contextOf(req), req.params.id),
  );

  app.get(
    '/working-groups/:id/pooled-volumes',
    {
      schema: {
        operationId: 'getPooledVolumes',
        summary:
          'Volumes mutualisés des membres (dernier diagnostic validé), en JSON ou en CSV pour un appel d’offres (?format=csv ou Accept: text/csv)',
        tags,
        params: IdParams,
        querystring: PooledVolumesQuery,
        response: {
          200: PooledVolumes.describe(
            'JSON ; en CSV : text/csv, une ligne par membre et ressource',
          ),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const v = await service.pooledVolumes(db, contextOf(req), req.params.id);
      const wantsCsv =
        req.query.format === 'csv' ||
        (req.query.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
      if (!wantsCsv) return v;
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="volumes-groupe-${v.workingGroupId}.csv"`,
          )
          .serializer((payload: unknown) => payload as string)
          // A text body: the JSON schema of the route does not apply to it.
          .send(service.pooledVolumesCsv(v, req.query.separator) as never)
      );
    },
  );

  app.get(
    '/companies/:id/working-groups',
    {
      schema: {
        operationId: 'listCompanyWorkingGroups',
        summary: 'Groupes de travail dont l’entreprise est membre (lisible par ses utilisateurs)',
        tags,
        params: IdParams,
        response: {
          200: z.object({ items: z.array(WorkingGroupSummary) }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (req) => service.groupsOfCompany(db, contextOf(req), req.params.id),
  );
};
