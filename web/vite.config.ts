import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// Front end of Symbiose: built into web/dist and served by the API under /app/.
// `npx vite --config web/vite.config.ts` serves it with hot reload on :5173 and
// forwards /v1 to the API of `npm run demo` (port 3000).
export default defineConfig({
  root: here,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    fs: { allow: [resolve(here, '..')] },
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
