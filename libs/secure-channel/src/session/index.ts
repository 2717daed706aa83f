export * from './memory-session-store';
export * from './rate-limiter';
export * from './replay-window';
export * from './session';
