import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Config } from '../../core/src/config.ts';
import type { Database } from '../../core/src/db/database.ts';
import { createMetrics, type Metrics } from '../../core/src/metrics.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { companiesRoutes } from './companies/companies.routes.ts';
import { correctionsRoutes } from './corrections/corrections.routes.ts';
import { diagnosticsRoutes } from './diagnostics/diagnostics.routes.ts';
import { flowsRoutes } from './flows/flows.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { indicatorsRoutes } from './indicators/indicators.routes.ts';
import { conventionsRoutes } from './conventions/conventions.routes.ts';
import { metricsRoutes } from './health/metrics.routes.ts';
import { lifecycleRoutes } from './lifecycle/lifecycle.routes.ts';
import { importsRoutes } from './imports/imports.routes.ts';
import { registerAuthentication } from './http/authenticate.ts';
import { frameworkError, registerProblemHandler } from './http/problem.ts';
import { registerSecurity } from './http/security.ts';
import { matchingRoutes } from './matching/matching.routes.ts';
import { portalRoutes } from './portal/portal.routes.ts';
import { resourcesRoutes } from './resources/resources.routes.ts';
import { rulesRoutes } from './rules/rules.routes.ts';
import { territoriesRoutes } from './territories/territories.routes.ts';
import { usersRoutes } from './users/users.routes.ts';
import { workingGroupsRoutes } from './working-groups/working-groups.routes.ts';
import { webRoutes } from './web/web.routes.ts';
import { zonesRoutes } from './zones/zones.routes.ts';

export interface AppDeps {
  db: Database;
  redis: Redis;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    config: Config;
    metrics: Metrics;
  }
}

// Schema messages (problem+json `errors[].message`) in French, like the rest of the API.
z.config(z.locales.fr());

export const API_VERSION = '0.1.0';

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** Never written to the logs: credentials in headers and secrets in any logged object. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'password',
  'token',
  'key',
  '*.password',
  '*.token',
  '*.key',
  '*.*.password',
  '*.*.token',
];

export interface AppOptions {
  /** Where the JSON logs go (default: stdout); tests capture them here. */
  logStream?: DestinationStream;
}

export async function buildApp(
  config: Config,
  deps: AppDeps,
  opts: AppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.LOG_LEVEL === 'silent'
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: { paths: LOG_REDACT_PATHS, censor: '[secret]' },
            serializers: {
              // Headers are logged (user agent, proxies…) with credentials redacted.
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: req.url,
                remoteAddress: req.ip,
                headers: req.headers,
              }),
            },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Behind a reverse proxy, the rate limit must see the client, not the proxy:
    // set trustProxy through the proxy's own configuration before exposing the API.
    // Carry the caller's request id when it is sane; otherwise make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false } },
    frameworkErrors: (err, req, reply) => frameworkError(err, req, reply),
  }).withTypeProvider<ZodTypeProvider>();

  const metrics = createMetrics({
    service: 'api',
    db: deps.db,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    queueName: 'jobs',
  });
  app.decorate('deps', deps);
  app.decorate('config', config);
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.addHook('onClose', async () => metrics.close());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  registerProblemHandler(app);
  // Before authentication: CORS answers preflights, which carry no token.
  await registerSecurity(app, config);
  registerAuthentication(app, deps.db);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Symbiose API',
        version: API_VERSION,
        description:
          'API de Symbiose, service d’écologie industrielle et territoriale : territoires, zones, entreprises, ' +
          'diagnostics de flux, catalogue de ressources. Erreurs au format RFC 9457 (application/problem+json).',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Jeton de connexion (sbt_…) ou clé partenaire (sbk_…)',
          },
        },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'auth', description: 'Connexion, utilisateurs, clés partenaires' },
        { name: 'territories', description: 'Territoires (périmètres de programme)' },
        { name: 'zones', description: 'Zones d’activités (GeoJSON)' },
        { name: 'companies', description: 'Entreprises' },
        { name: 'diagnostics', description: 'Diagnostics de flux, versionnés' },
        { name: 'flows', description: 'Flux (entrants, sortants, déchets, besoins)' },
        {
          name: 'resources',
          description: 'Catalogue de ressources, liste européenne des déchets, NAF',
        },
        { name: 'rules', description: 'Base de connaissances : règles de compatibilité sourcées' },
        {
          name: 'matching',
          description: 'Mise en relation : passes du moteur, pistes de synergie, lecture du graphe',
        },
        {
          name: 'portal',
          description:
            'Portail entreprise : pistes vues par l’entreprise (contreparties anonymes jusqu’à la mise en relation), réponses, notifications, corrections de diagnostic',
        },
        {
          name: 'lifecycle',
          description:
            'Suivi des synergies : statuts, historique, saisie manuelle, gains réalisés, relances',
        },
        {
          name: 'working-groups',
          description:
            'Groupes de travail : membres, réunions, synergies rattachées, volumes mutualisés',
        },
        {
          name: 'imports',
          description: 'Imports (CSV, XLSX, SIRENE, GeoJSON) en deux temps et exports tableur',
        },
        {
          name: 'indicators',
          description:
            'Indicateurs pour les partenaires (clé API) : agrégats par territoire, zone et période, JSON ou CSV, secret statistique',
        },
        {
          name: 'conventions',
          description:
            'Conventions de financement : actions, objectifs, budgets par financeur, rapports d’avancement',
        },
        { name: 'audit', description: 'Journal des modifications' },
        { name: 'ops', description: 'Santé du service' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    staticCSP: true,
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(
    async (v1) => {
      await v1.register(authRoutes);
      await v1.register(usersRoutes);
      await v1.register(territoriesRoutes);
      await v1.register(zonesRoutes);
      await v1.register(companiesRoutes);
      await v1.register(diagnosticsRoutes);
      await v1.register(flowsRoutes);
      await v1.register(resourcesRoutes);
      await v1.register(rulesRoutes);
      await v1.register(matchingRoutes);
      await v1.register(portalRoutes);
      await v1.register(correctionsRoutes);
      await v1.register(lifecycleRoutes);
      await v1.register(workingGroupsRoutes);
      await v1.register(importsRoutes);
      await v1.register(indicatorsRoutes);
      await v1.register(conventionsRoutes);
      await v1.register(auditRoutes);
    },
    { prefix: '/v1' },
  );
  await app.register(webRoutes);
  return app;
}
