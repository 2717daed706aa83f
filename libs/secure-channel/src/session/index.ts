export * from './memory-session-store';
export * from './replay-window';
export * from './session';
export * from './redis-session-store';
export * from './session-box';
