import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page, problems } from '../../../../shared/schemas/common.ts';
import {
  CompanySynergy,
  CompanySynergyListQuery,
  CompanySynergyParams,
  Notification,
  NotificationList,
  NotificationListQuery,
  SynergyAnswerWrite,
} from '../../../../shared/schemas/portal.ts';
import { contextOf, inTransaction } from '../http/transaction.ts';
import * as service from './portal.service.ts';

export const portalRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/companies/:id/synergies',
    {
      schema: {
        operationId: 'listCompanySynergies',
        summary:
          'Pistes de synergie de l’entreprise, vues par elle : contreparties anonymes (secteur, zone, distance, volumes) jusqu’à la mise en relation',
        tags: ['portal'],
        params: IdParams,
        querystring: CompanySynergyListQuery,
        response: { 200: page(CompanySynergy), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listCompanySynergies(db, contextOf(req), req.params.id, req.query),
  );

  app.post(
    '/companies/:id/synergies/:synergyId/answer',
    {
      schema: {
        operationId: 'answerSynergy',
        summary:
          'Répondre à une piste : intéressée, pas intéressée (motif obligatoire) ou demande de mise en relation',
        description:
          'Réservé aux utilisateurs de l’entreprise. Les noms et contacts ne sont montrés qu’une fois la mise en relation ' +
          'demandée des deux côtés. Le statut de la piste (suivi par les chargés de mission) ne change pas. 409 si la piste ' +
          'est close (rejetée, abandonnée) ou n’est plus proposée.',
        tags: ['portal'],
        params: CompanySynergyParams,
        body: SynergyAnswerWrite,
        response: { 200: CompanySynergy, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.answerSynergy(trx, contextOf(req), req.params.id, req.params.synergyId, req.body),
      ),
  );

  app.get(
    '/companies/:id/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        summary:
          'Fil de notifications de l’entreprise (nouvelles pistes, réponses des autres entreprises, mises en relation)',
        tags: ['portal'],
        params: IdParams,
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.listNotifications(trx, contextOf(req), req.params.id, req.query),
      ),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        operationId: 'markNotificationRead',
        summary: 'Marquer une notification comme lue (pour vous)',
        tags: ['portal'],
        params: IdParams,
        response: { 200: Notification, ...problems(401, 403, 404) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.markNotificationRead(trx, contextOf(req), req.params.id)),
  );
};
