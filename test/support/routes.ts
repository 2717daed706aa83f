/** Walks the routes of the running employee API (DESIGN.md §2). */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_ROUTE, SEALED_ROUTE } from '@dss/secure-channel';
import { type RunningDss } from './dss-server';

export interface RouteInfo {
  /** `METHOD /path`. */
  route: string;
  method: string;
  path: string;
  sealed: boolean;
  public: boolean;
}

/** Every controller route the running employee API mapped, sorted. */
export function walkRoutes(server: RunningDss): RouteInfo[] {
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
        const full = `/${prefix}/${Array.isArray(path) ? path.join(',') : path}`
          .replace(/\/+/g, '/')
          .replace(/(.)\/$/, '$1');
        routes.push({
          route: `${method} ${full}`,
          method,
          path: full,
          sealed: has(SEALED_ROUTE),
          public: has(PUBLIC_ROUTE),
        });
      }
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
