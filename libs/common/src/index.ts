export * from './clock';
export * from './core.module';
export * from './errors';
export * from './http-errors';
export * from './logger';
