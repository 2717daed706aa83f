/**
 * DESIGN.md §2: every route of the employee API is either sealed under DSS-SC1 or explicitly
 * marked public. This walks every controller method the running app mapped and fails on any
 * route that says neither, so a new route cannot slip out of the secure channel unnoticed.
 */
import { startDss, type RunningDss } from './support/dss-server';
import { walkRoutes } from './support/routes';

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

  it('leaves only the handshake, the server key, the CA, the TSA, the health probes and the log hashes public (PROTOCOL.md §2, §5; docs/AUDIT-LOG.md §5)', () => {
    const publicRoutes = walkRoutes(server)
      .filter((r) => r.public)
      .map((r) => r.route);
    expect(publicRoutes).toEqual([
      'GET /healthz',
      'GET /readyz',
      'GET /v1/ca/certificate',
      'GET /v1/ca/crl',
      'GET /v1/log/checkpoint',
      'GET /v1/log/key',
      'GET /v1/log/proof/consistency',
      'GET /v1/log/proof/inclusion',
      'GET /v1/server-key',
      'POST /v1/handshake',
      'POST /v1/tsa',
    ]);
  });
});
