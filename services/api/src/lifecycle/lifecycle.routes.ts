import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, TerritoryParams, page, problems } from '../../../../shared/schemas/common.ts';
import {
  FollowUpItem,
  FollowUpQuery,
  LifecycleReference,
  ManualSynergyCreate,
  RealisedGainsInput,
  SynergyEventList,
  TransitionCreate,
} from '../../../../shared/schemas/lifecycle.ts';
import { Synergy } from '../../../../shared/schemas/matching.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './lifecycle.service.ts';

export const lifecycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/synergy-lifecycle',
    {
      schema: {
        operationId: 'getLifecycleReference',
        summary:
          'Statuts des synergies et transitions permises, motifs de rejet, thèmes des groupes de travail (libellés)',
        tags: ['lifecycle'],
        response: { 200: LifecycleReference, ...problems(401) },
      },
    },
    async (req) => {
      contextOf(req);
      return service.reference();
    },
  );

  app.post(
    '/synergies/:id/transitions',
    {
      schema: {
        operationId: 'transitionSynergy',
        summary:
          'Faire avancer une synergie (qualifiée, à l’étude, en cours, mise en œuvre) ou la clore (rejetée, abandonnée, avec motif) ; transition interdite → 409',
        tags: ['lifecycle'],
        params: IdParams,
        body: TransitionCreate,
        response: { 200: Synergy, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 200, (trx) =>
        service.transition(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.get(
    '/synergies/:id/events',
    {
      schema: {
        operationId: 'listSynergyEvents',
        summary: 'Historique d’une synergie : chaque changement de statut, qui, quand, pourquoi',
        tags: ['lifecycle'],
        params: IdParams,
        response: { 200: SynergyEventList, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.listEvents(db, contextOf(req), req.params.id),
  );

  app.post(
    '/territories/:territoryId/synergies',
    {
      schema: {
        operationId: 'createSynergy',
        summary: 'Saisir une synergie trouvée hors moteur (réunion, visite) : origine manuelle',
        tags: ['lifecycle'],
        params: TerritoryParams,
        body: ManualSynergyCreate,
        response: { 201: Synergy, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createManual(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.put(
    '/synergies/:id/realised-gains',
    {
      schema: {
        operationId: 'setRealisedGains',
        summary:
          'Gains réalisés (quantité échangée, €, tCO2e, emplois) d’une synergie en cours ou mise en œuvre ; autre statut → 409',
        tags: ['lifecycle'],
        params: IdParams,
        body: RealisedGainsInput,
        response: { 200: Synergy, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.setRealisedGains(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.get(
    '/territories/:territoryId/follow-up',
    {
      schema: {
        operationId: 'listFollowUp',
        summary:
          'À relancer : synergies qualifiées, à l’étude ou en cours sans événement depuis 90 jours (ou `days`), les plus anciennes d’abord',
        tags: ['lifecycle'],
        params: TerritoryParams,
        querystring: FollowUpQuery,
        response: { 200: page(FollowUpItem), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listFollowUp(db, contextOf(req), req.params.territoryId, req.query),
  );
};
