import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';

// `npm run build:web` writes dist/, which the gateway serves at `/`. `npm run dev -w web-client`
// serves the app with hot reload and forwards the API to a gateway on :4000 (`npm start`).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The budget is checked on the gzipped size (bench/web-client.ts); this only warns early.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
});
