import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response, static as serveStatic } from 'express';

/**
 * Where `npm run build` puts the dashboard (Vite's `build.outDir`): `<repo>/dist/admin-web`.
 * From the compiled app (`dist/apps/admin/src/dashboard/`) and from the sources (tests run them
 * directly) it is a different number of levels up; the first that exists wins.
 */
export function defaultDashboardDir(): string {
  const candidates = [
    resolve(__dirname, '../../../../admin-web'),
    resolve(__dirname, '../../../../dist/admin-web'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1];
}

/** Hashed file names change with their content: cache them for a year, never revalidate. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DSS admin</title></head>
<body><main><h1>The dashboard was not built</h1>
<p>Run <code>npm run build</code> in the DSS directory and restart the admin app.
The API is available under <a href="/api/docs">/api/docs</a>.</p></main></body></html>
`;

/** `GET /` from a program (curl, a health probe): where things are, in a few plain lines. */
const POINTER = `DSS admin app.
Dashboard: open this address in a web browser.
API: /api (Swagger UI: /api/docs, OpenAPI document: /api/docs-json).
`;

/** Paths the dashboard never answers: the API (and its Swagger UI) stays with Nest. */
const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * A browser navigation to a page of the single-page app: GET, outside /api and /assets, asking
 * for HTML by name (scripts and images ask for any type or their own, fetch() for JSON).
 */
function wantsPage(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !isApiPath(req.path) &&
    !req.path.startsWith('/assets/') &&
    (req.get('Accept') ?? '').includes('text/html')
  );
}

/**
 * Serves the built dashboard at `/` (DESIGN.md §6): hashed assets under `/assets` as immutable
 * for a year, every other file and `index.html` revalidated on each load (so a new build shows at
 * once), and `index.html` for any other page a browser asks for (`/users`, `/audit/integrity`, …)
 * so that reloading or bookmarking a dashboard page works. `/api/**` is left to Nest. Without a
 * build, pages get a short explanation instead. `GET /` from anything but a browser gets a short
 * plain-text pointer to the dashboard and the API.
 *
 * Call before `app.listen()` / `app.init()` so it runs ahead of Nest's router.
 */
export function serveDashboard(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/' || wantsPage(req)) {
      return next();
    }
    res.status(200).type('text/plain').set('Cache-Control', 'no-store').send(POINTER);
  });
  if (!existsSync(index)) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (!wantsPage(req)) return next();
      res.status(503).type('html').set('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
    });
    return;
  }

  app.use(
    '/assets',
    serveStatic(join(dir, 'assets'), {
      index: false,
      redirect: false,
      // Set, not left to serve-static: it keeps any Cache-Control already on the response (the
      // admin app marks everything no-store first, for the API).
      cacheControl: false,
      setHeaders: (response) => response.setHeader('Cache-Control', IMMUTABLE),
    }),
  );
  const files = serveStatic(dir, {
    index: false,
    redirect: false,
    cacheControl: false,
    setHeaders: (response) => response.setHeader('Cache-Control', 'no-cache'),
  });
  app.use((req: Request, res: Response, next: NextFunction): void => {
    if (isApiPath(req.path)) next();
    else void files(req, res, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!wantsPage(req)) return next();
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
}
