import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, TerritoryParams, problems } from '../../../../shared/schemas/common.ts';
import {
  ExportParams,
  FileFormatQuery,
  FileResponse,
  IMPORT_CONTENT_TYPES,
  IMPORT_MAX_BYTES,
  Import,
  ImportBody,
  ImportList,
  ImportUploadQuery,
  TemplateParams,
} from '../../../../shared/schemas/imports.ts';
import { contextOf, inTransaction } from '../http/transaction.ts';
import * as service from './imports.service.ts';

const attachment = (name: string) => `attachment; filename="${name}"`;

export const importsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  // The upload takes the raw file: its own body parsers, its own size limit.
  await app.register(async (scope) => {
    const upload = scope.withTypeProvider<ZodTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
      (_req, body, done) => done(null, body),
    );
    upload.post(
      '/territories/:territoryId/imports',
      {
        bodyLimit: IMPORT_MAX_BYTES,
        schema: {
          operationId: 'uploadImport',
          summary:
            'Déposer un fichier à importer : contrôle à blanc de chaque ligne, rien n’est écrit',
          description:
            'Corps : le fichier brut (CSV UTF-8 ou Windows-1252, séparateur ; ou , ; XLSX ; GeoJSON pour les zones), ' +
            '100 Mo au plus (413 au-delà). Réponse : l’import avec la liste de tous les problèmes ligne par ligne ' +
            '(ligne, colonne, valeur, message) et ce que la validation ferait. Un fichier illisible, vide ou sans les ' +
            'colonnes obligatoires répond 422 et rien n’est conservé. Formules refusées (jamais évaluées). ' +
            'Format des fichiers : docs/imports.md et GET /v1/import-templates/{kind}.',
          tags: ['imports'],
          consumes: [...IMPORT_CONTENT_TYPES],
          params: TerritoryParams,
          querystring: ImportUploadQuery,
          body: ImportBody,
          response: { 201: Import, ...problems(400, 401, 403, 404, 413, 422) },
        },
      },
      async (req, reply) => {
        const result = await inTransaction(db, (trx) =>
          service.uploadImport(trx, contextOf(req), req.params.territoryId, req.query, req.body),
        );
        void reply.code(201).header('location', `/v1/imports/${result.id}`);
        return result;
      },
    );
  });

  app.get(
    '/territories/:territoryId/imports',
    {
      schema: {
        operationId: 'listImports',
        summary: 'Les 100 derniers imports du territoire',
        tags: ['imports'],
        params: TerritoryParams,
        response: { 200: ImportList, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.listImports(db, contextOf(req), req.params.territoryId),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        operationId: 'getImport',
        summary: 'Un import : état, problèmes, avancement (lignes faites / total)',
        tags: ['imports'],
        params: IdParams,
        response: { 200: Import, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getImport(db, contextOf(req), req.params.id),
  );

  app.post(
    '/imports/:id/commit',
    {
      schema: {
        operationId: 'commitImport',
        summary:
          'Valider un import : tout ou rien ; 200 si écrit, 202 si confié au worker (gros fichier)',
        description:
          'Le fichier est contrôlé à nouveau ; si une ligne est devenue fausse, rien n’est écrit (409). ' +
          'Réimporter le même fichier ne crée rien deux fois (clés : SIRET ; SIRET + date de visite + type + ressource + libellé).',
        tags: ['imports'],
        params: IdParams,
        response: { 200: Import, 202: Import, ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const r = await service.commit(
        db,
        contextOf(req),
        req.params.id,
        app.config.IMPORT_SYNC_MAX_ROWS,
      );
      void reply.code(r.status);
      return r.body;
    },
  );

  app.get(
    '/import-templates/:kind',
    {
      schema: {
        operationId: 'getImportTemplate',
        summary: 'Modèle vide à remplir (en-têtes en français ; en XLSX, une feuille d’aide)',
        tags: ['imports'],
        params: TemplateParams,
        querystring: FileFormatQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: FileResponse, ...problems(400, 401) },
      },
    },
    async (req, reply) => {
      contextOf(req);
      const f = await service.template(req.params, req.query.format);
      return reply
        .type(f.contentType)
        .header('content-disposition', attachment(f.filename))
        .send(f.body as never);
    },
  );

  app.get(
    '/territories/:territoryId/exports/:entity',
    {
      schema: {
        operationId: 'exportTerritoryData',
        summary:
          'Exporter les entreprises, les flux ou les pistes de synergie (CSV ou XLSX, en-têtes des modèles)',
        description:
          'Les flux exportés sont ceux de la dernière version du diagnostic de chaque entreprise. ' +
          'Les cellules de texte commençant par = + - @ sont précédées d’une apostrophe (injection de formules).',
        tags: ['imports'],
        params: ExportParams,
        querystring: FileFormatQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: FileResponse, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const f = await service.exportData(db, contextOf(req), req.params, req.query.format);
      return reply
        .type(f.contentType)
        .header('content-disposition', attachment(f.filename))
        .send(f.body as never);
    },
  );
};
