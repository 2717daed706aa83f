import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The process's own metrics (CPU, memory, heap, event-loop delay, handles), every value read when
 * scraped. prom-client's `collectDefaultMetrics` is not used: it also observes every garbage
 * collection with a `PerformanceObserver`, a JavaScript callback per collection that the signing
 * path, which allocates briskly, pays for between scrapes. GC pauses still show here, as event-loop
 * delay. The names are prom-client's (and the Prometheus client guidelines'), under `dss_`.
 */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const nanosecondsPerSecond = 1e9;
  // A 20 ms sampling timer (libuv, unreferenced): enough for the percentiles, invisible in cost.
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();

  let last = process.cpuUsage();
  const cpuUser = new Counter({
    name: 'dss_process_cpu_user_seconds_total',
    help: 'User CPU time spent by the process, in seconds',
    registers,
  });
  const cpuSystem = new Counter({
    name: 'dss_process_cpu_system_seconds_total',
    help: 'System CPU time spent by the process, in seconds',
    registers,
  });
  new Counter({
    name: 'dss_process_cpu_seconds_total',
    help: 'User and system CPU time spent by the process, in seconds',
    registers,
    collect() {
      const now = process.cpuUsage();
      const user = (now.user - last.user) / 1e6;
      const system = (now.system - last.system) / 1e6;
      last = now;
      cpuUser.inc(user);
      cpuSystem.inc(system);
      this.inc(user + system);
    },
  });
  gauge(
    registry,
    'dss_process_start_time_seconds',
    'Start time of the process since the epoch, in seconds',
    () => Math.round(Date.now() / 1000 - process.uptime()),
  );
  gauge(registry, 'dss_process_resident_memory_bytes', 'Resident memory size, in bytes', () =>
    process.memoryUsage.rss(),
  );
  gauge(
    registry,
    'dss_nodejs_heap_size_total_bytes',
    'V8 heap size, in bytes',
    () => process.memoryUsage().heapTotal,
  );
  gauge(
    registry,
    'dss_nodejs_heap_size_used_bytes',
    'V8 heap used, in bytes',
    () => process.memoryUsage().heapUsed,
  );
  gauge(
    registry,
    'dss_nodejs_external_memory_bytes',
    'Memory of C++ objects bound to JavaScript, in bytes',
    () => process.memoryUsage().external,
  );
  gauge(
    registry,
    'dss_nodejs_active_resources_total',
    'Handles and requests keeping the event loop alive',
    () => process.getActiveResourcesInfo().length,
  );
  // Percentiles of the event-loop delay since the previous scrape (then reset).
  new Gauge({
    name: 'dss_nodejs_eventloop_lag_seconds',
    help: 'Event-loop delay since the previous scrape, by quantile (0.5, 0.99, 1 = max), in seconds',
    labelNames: ['quantile'],
    registers,
    collect() {
      const seconds = (nanoseconds: number): number =>
        Number.isFinite(nanoseconds) ? nanoseconds / nanosecondsPerSecond : 0;
      this.set({ quantile: '0.5' }, seconds(delay.percentile(50)));
      this.set({ quantile: '0.99' }, seconds(delay.percentile(99)));
      this.set({ quantile: '1' }, seconds(delay.max));
      delay.reset();
    },
  });
  new Gauge({
    name: 'dss_nodejs_version_info',
    help: 'Node.js version of the process',
    labelNames: ['version'],
    registers,
  }).set({ version: process.version }, 1);
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
