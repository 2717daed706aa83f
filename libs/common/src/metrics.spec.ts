import { DssMetrics } from './metrics';

describe('DssMetrics', () => {
  it('renders Prometheus text with the live values read when scraped', async () => {
    const metrics = new DssMetrics('dss');
    let sessions = 3;
    metrics.readSessions = () => Promise.resolve(sessions);
    metrics.readBcryptQueue = () => 7;
    metrics.requests.observe({ method: 'POST', route: '/v1/signatures', status: '200' }, 0.004);
    metrics.setDependencyUp('redis', false);
    let text = await metrics.render();
    expect(text).toContain('dss_sessions_live{app="dss"} 3');
    expect(text).toContain('dss_bcrypt_queue_depth{app="dss"} 7');
    expect(text).toContain('dss_dependency_up{dependency="redis",app="dss"} 0');
    expect(text).toContain(
      'dss_http_request_duration_seconds_bucket{le="0.005",app="dss",method="POST",route="/v1/signatures",status="200"} 1',
    );
    sessions = 4;
    text = await metrics.render();
    expect(text).toContain('dss_sessions_live{app="dss"} 4');
  });

  it('keeps each app instance in a registry of its own', async () => {
    const a = new DssMetrics();
    const b = new DssMetrics();
    a.handshakes.inc();
    expect(await a.render()).toContain('dss_handshakes_total{app="dss"} 1');
    expect(await b.render()).toContain('dss_handshakes_total{app="dss"} 0');
  });
});
