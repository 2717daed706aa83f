/**
 * Preloaded into the service by `npm run bench -- --profile` (`node --require
 * dist/bench/profile-hook.js dist/apps/dss/src/main.js`): the V8 CPU profiler of `--cpu-prof`,
 * but started and stopped over the IPC channel, so a profile covers exactly one measured phase.
 * The service's own code is not touched. Messages: `{type: 'profile-start', intervalUs}` and
 * `{type: 'profile-stop', file}` (writes a .cpuprofile), and `{type: 'memory'}` (a full GC, then
 * process.memoryUsage()); each is answered on the channel.
 */

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Message =
  | { type: 'profile-start'; intervalUs: number }
  | { type: 'profile-stop'; file: string }
  | { type: 'memory' };

/** A full garbage collection, so that heapUsed is what is live (flag set at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const MB = 2 ** 20;

const session = new Session();
session.connect();

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

function reply(message: object): void {
  process.send?.(message);
}

async function onMessage(message: Message): Promise<void> {
  try {
    if (message.type === 'profile-start') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: message.intervalUs });
      await post('Profiler.start');
      reply({ type: 'profile-started' });
    } else if (message.type === 'profile-stop') {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      await post('Profiler.disable');
      writeFileSync(message.file, JSON.stringify(profile));
      reply({ type: 'profile-stopped', file: message.file });
    } else if (message.type === 'memory') {
      collectGarbage();
      const m = process.memoryUsage();
      reply({
        type: 'memory',
        memory: {
          rssMB: m.rss / MB,
          heapTotalMB: m.heapTotal / MB,
          heapUsedMB: m.heapUsed / MB,
          externalMB: m.external / MB,
          arrayBuffersMB: m.arrayBuffers / MB,
        },
      });
    }
  } catch (err) {
    reply({ type: 'profile-error', message: (err as Error).message });
  }
}

if (process.send) {
  process.on('message', (message: Message) => void onMessage(message));
  process.channel?.unref();
}
