// Builds the UI into web/dist (served by `localvoice serve`); the audio worklets become separate assets.
import { defineConfig } from 'vitest/config';

// `npm run dev` serves the sources with hot reload and forwards the API to a running `localvoice serve`.
const server = process.env.LOCALVOICE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0, // worklets must stay files: addModule() needs a URL
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/v1/realtime': { target: server, ws: true },
      '/v1': server,
      '/ready': server,
      '/health': server,
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
