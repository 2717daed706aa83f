import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { serveDashboard } from './dashboard';

@Controller('api')
class ProbeController {
  @Get('probe')
  probe(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

async function appServing(dir: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false });
  // As the admin app does for its API: everything no-store unless a later handler says otherwise.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  serveDashboard(app, dir);
  await app.init();
  return app;
}

const INDEX = '<!doctype html><title>DSS admin</title><div id="root"></div>';

describe('serveDashboard', () => {
  let dir: string;
  let app: NestExpressApplication;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dss-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const server = (): Parameters<typeof request>[0] => app.getHttpServer();

  it('serves index.html at / and revalidates it on every load', async () => {
    const res = await request(server()).get('/').set('Accept', 'text/html').expect(200);
    expect(res.text).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers every page of the app with index.html (reload, bookmarks)', async () => {
    for (const path of ['/users', '/audit/integrity', '/keys?status=deleted']) {
      const res = await request(server()).get(path).set('Accept', 'text/html,*/*;q=0.8');
      expect(res.status).toBe(200);
      expect(res.text).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable and other files revalidated', async () => {
    const asset = await request(server()).get('/assets/index-AbC123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await request(server()).get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('leaves /api to Nest, even for browsers, and never answers non-pages with index.html', async () => {
    await request(server()).get('/api/probe').set('Accept', 'text/html').expect(200, { ok: true });
    const unknownApi = await request(server()).get('/api/nothing').set('Accept', 'text/html');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.text).not.toBe(INDEX);
    expect((await request(server()).get('/assets/missing.js')).status).toBe(404);
    expect((await request(server()).get('/logo.png').set('Accept', 'image/png')).status).toBe(404);
    expect((await request(server()).post('/users').set('Accept', 'text/html')).status).toBe(404);
  });

  it('answers GET / from a program (curl) with a short plain-text pointer, a browser with the page', async () => {
    const plain = await request(server()).get('/').set('Accept', '*/*').expect(200);
    expect(plain.headers['content-type']).toMatch(/^text\/plain/);
    expect(plain.text).toContain('open this address in a web browser');
    expect(plain.text).toContain('/api/docs');
    const page = await request(server()).get('/').set('Accept', 'text/html').expect(200);
    expect(page.text).toBe(INDEX);
  });

  it('explains, instead of failing, when the dashboard was not built', async () => {
    const bare = await appServing(join(dir, 'absent'));
    try {
      const res = await request(bare.getHttpServer()).get('/users').set('Accept', 'text/html');
      expect(res.status).toBe(503);
      expect(res.text).toContain('The dashboard was not built');
      expect(res.text).toContain('npm run build');
      await request(bare.getHttpServer()).get('/api/probe').expect(200);
    } finally {
      await bare.close();
    }
  });
});
