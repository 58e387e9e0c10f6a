// The officers' and companies' web application (web/, built by `npm run web:build`
// into web/dist) served from the API's own origin under /app/. Client-side routes
// fall back to index.html. None of these routes appear in the OpenAPI document.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../web/dist');

const NOT_BUILT = `<!doctype html><html lang="fr"><meta charset="utf-8"><title>Symbiose</title>
<p>L’application web n’est pas construite : lancez <code>npm run web:build</code>
(les commandes <code>npm run demo</code> et <code>npm test</code> le font d’elles-mêmes).</p></html>`;

export async function webRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? WEB_DIST;
  const hidden = { schema: { hide: true }, config: { public: true } } as const;

  app.get('/', hidden, async (_req, reply) => reply.redirect('/app/', 302));
  app.get('/app', hidden, async (_req, reply) => reply.redirect('/app/', 301));

  if (!existsSync(resolve(root, 'index.html'))) {
    app.get('/app/*', hidden, async (_req, reply) =>
      reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }

  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', root);

  await app.register(
    async (web) => {
      await web.register(fastifyStatic, {
        root,
        prefix: '/',
        index: false,
        wildcard: true,
        // Hashed file names under assets/ never change; index.html is revalidated.
        setHeaders: (reply: FastifyReply, path: string) => {
          void reply.header(
            'cache-control',
            path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      web.get('/', { ...hidden, prefixTrailingSlash: 'slash' }, async (_req, reply) =>
        sendIndex(reply),
      );
      // SPA fallback: any other path under /app/ that is not a file is a client route.
      web.setNotFoundHandler(async (req, reply) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          return reply.code(404).type('text/plain; charset=utf-8').send('Introuvable');
        }
        const last = req.url.split('?')[0]!.split('/').pop() ?? '';
        // A missing asset (a file name with an extension) is a real 404, not the app.
        if (/\.[a-z0-9]{1,8}$/i.test(last)) {
          return reply.code(404).type('text/plain; charset=utf-8').send('Fichier introuvable');
        }
        return sendIndex(reply);
      });
    },
    { prefix: '/app' },
  );
}
