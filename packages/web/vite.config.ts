import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// `npm run build -w packages/web` → dist/, which the server serves at `/` (index.html, assets/*).
// `npm run dev -w packages/web` serves the sources with the API proxied to a server on :8000.
export default defineConfig({
  plugins: [react()],
  // The SDK and protocol from their TypeScript sources (not their dist/), so no build is needed first.
  resolve: { conditions: ['@jobstream/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets' },
  server: {
    proxy: {
      '/api': 'http://localhost:8000',
      '/ws': { target: 'ws://localhost:8000', ws: true },
      '/demo': 'http://localhost:8000',
    },
  },
});
