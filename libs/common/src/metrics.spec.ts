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

  it('reads the process values when scraped, CPU time growing between scrapes', async () => {
    const metrics = new DssMetrics('admin');
    const number = (text: string, name: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
      if (line === undefined) throw new Error(`${name} missing`);
      return Number(line.split(' ').pop());
    };
    const first = await metrics.render();
    const spin = Date.now() + 30;
    while (Date.now() < spin); // 30 ms of CPU
    const second = await metrics.render();
    expect(number(second, 'dss_process_cpu_seconds_total')).toBeGreaterThan(
      number(first, 'dss_process_cpu_seconds_total'),
    );
    expect(number(second, 'dss_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(number(second, 'dss_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(number(second, 'dss_process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
    expect(second).toContain('dss_nodejs_eventloop_lag_seconds{quantile="0.99",app="admin"}');
    expect(second).toContain(`dss_nodejs_version_info{version="${process.version}",app="admin"} 1`);
    expect(second).not.toContain('gc_duration');
  });
});
