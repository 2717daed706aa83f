// Builds the admin dashboard (a static single-page app) into dist/admin-web, which the admin app
// serves at `/`. Everything is bundled: no CDN, web font or other external resource at run time.
import { defineConfig } from 'vite';

/** A path relative to this file (POSIX; the service runs on Linux). */
const here = (path: string): string => decodeURIComponent(new URL(path, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  // Vite transforms TSX itself (no React plugin): the automatic runtime, as tsconfig's react-jsx.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: here('../../../dist/admin-web'),
    emptyOutDir: true,
    // Everything as files under /assets: nothing inlined as data: URLs, so the CSP stays 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3001' } },
});
