export * from './clock';
export * from './core.module';
export * from './errors';
export * from './logger';
export * from './unavailable';
