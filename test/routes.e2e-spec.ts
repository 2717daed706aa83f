/**
 * DESIGN.md §2: every route of the employee API is either sealed under DSS-SC1 or explicitly
 * marked public. This walks every controller method the running app mapped and fails on any
 * route that says neither, so a new route cannot slip out of the secure channel unnoticed.
 */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE, SEALED_ROUTE } from '@dss/secure-channel';
import { startDss, type RunningDss } from './support/dss-server';

interface RouteInfo {
  route: string;
  sealed: boolean;
  public: boolean;
}

function walkRoutes(server: RunningDss): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of server.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const has = (key: string) =>
          Reflect.getMetadata(key, handler) !== undefined ||
          Reflect.getMetadata(key, controller) !== undefined;
        routes.push({
          route: `${method} /${prefix}/${Array.isArray(path) ? path.join(',') : path}`
            .replace(/\/+/g, '/')
            .replace(/\/$/, ''),
          sealed: has(SEALED_ROUTE),
          public: has(PUBLIC_ROUTE),
        });
      }
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}

describe('employee API routes (e2e)', () => {
  let server: RunningDss;
  beforeAll(async () => {
    server = await startDss();
  });
  afterAll(async () => {
    await server.close();
  });

  it('marks every route either sealed or public, never both and never neither', () => {
    const routes = walkRoutes(server);
    expect(routes.length).toBeGreaterThanOrEqual(4);
    const unmarked = routes.filter((r) => r.sealed === r.public).map((r) => r.route);
    expect(unmarked).toEqual([]);
  });

  it('leaves only the handshake, the server key, the health probes and the log hashes public (PROTOCOL.md §2, §5; docs/AUDIT-LOG.md §5)', () => {
    const publicRoutes = walkRoutes(server)
      .filter((r) => r.public)
      .map((r) => r.route);
    expect(publicRoutes).toEqual([
      'GET /healthz',
      'GET /readyz',
      'GET /v1/log/checkpoint',
      'GET /v1/log/key',
      'GET /v1/log/proof/consistency',
      'GET /v1/log/proof/inclusion',
      'GET /v1/server-key',
      'POST /v1/handshake',
    ]);
  });
});
