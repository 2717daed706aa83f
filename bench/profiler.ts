/** CPU profiles of the service, one per measured phase (with --profile). */

import { join } from 'node:path';
import { type Hooks } from './measure';
import { summariseProfile } from './profile';
import { REPO_ROOT, type ServerProcess } from './service';
import { type ProfilePhase } from './types';

/** Starts and stops the profile hook in the service around a measured window. */
export class Profiler {
  readonly phases: ProfilePhase[] = [];
  private pending: Promise<void>[] = [];

  constructor(
    private readonly server: ServerProcess | undefined,
    private readonly dir: string,
    private readonly stamp: string,
    private readonly intervalUs: number,
  ) {}

  hooks(phase: string): Hooks {
    const server = this.server;
    if (!server) return {};
    const file = join(this.dir, `${this.stamp}-${phase.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
    return {
      onWindowStart: () => {
        void server.profile({ type: 'profile-start', intervalUs: this.intervalUs });
      },
      onWindowEnd: () => {
        this.pending.push(
          server.profile({ type: 'profile-stop', file }).then((reply) => {
            if (reply.type !== 'profile-stopped') throw new Error(`profile: ${reply.message}`);
            // A phase measured again replaces its earlier profile.
            const summary = summariseProfile(file, phase, REPO_ROOT);
            const i = this.phases.findIndex((p) => p.phase === phase);
            if (i >= 0) this.phases[i] = summary;
            else this.phases.push(summary);
          }),
        );
      },
    };
  }

  async settle(): Promise<void> {
    await Promise.all(this.pending);
    this.pending = [];
  }
}
