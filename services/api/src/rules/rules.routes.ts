import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { page, problems } from '../../../../shared/schemas/common.ts';
import { RuleListQuery, RulePatch, RuleView } from '../../../../shared/schemas/rules.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './rules.service.ts';

const RuleParams = z.object({ id: z.string().min(1).max(100) });

// The knowledge base is shared by all territories: everyone signed in reads it, administrators change it.
export const rulesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/rules',
    {
      schema: {
        operationId: 'listRules',
        summary:
          'Règles de compatibilité (base de connaissances), avec la version du jeu de règles actif',
        tags: ['rules'],
        querystring: RuleListQuery,
        response: {
          200: page(RuleView).extend({
            ruleSetVersion: z
              .string()
              .describe(
                'Empreinte des règles actives, enregistrée par chaque passe de mise en relation',
              ),
            activeRules: z.number().int(),
          }),
          ...problems(400, 401),
        },
      },
    },
    async (req) => {
      contextOf(req);
      return service.listRules(db, req.query);
    },
  );

  app.get(
    '/rules/:id',
    {
      schema: {
        operationId: 'getRule',
        summary: 'Une règle, ses conditions, son modèle de gain et ses sources',
        tags: ['rules'],
        params: RuleParams,
        response: { 200: RuleView, ...problems(401, 404) },
      },
    },
    async (req) => {
      contextOf(req);
      return service.getRule(db, req.params.id);
    },
  );

  app.post(
    '/rules',
    {
      schema: {
        operationId: 'createRule',
        summary:
          'Ajouter une règle (administrateur) ; vérifiée comme les fichiers, source obligatoire',
        tags: ['rules'],
        body: z
          .looseObject({})
          .describe('Une règle au format de data/rules/*.yaml (voir docs/knowledge-base.md)'),
        response: {
          201: RuleView,
          ...problems(400, 401, 403, 409, 422),
        },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createRule(trx, contextOf(req), req.body),
      ),
  );

  app.patch(
    '/rules/:id',
    {
      schema: {
        operationId: 'updateRule',
        summary: 'Régler, désactiver ou réactiver une règle (administrateur, journalisé)',
        tags: ['rules'],
        params: RuleParams,
        body: RulePatch,
        response: { 200: RuleView, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.patchRule(trx, contextOf(req), req.params.id, req.body)),
  );
};
