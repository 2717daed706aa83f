export * from './clock';
export * from './core.module';
export * from './errors';
export * from './logger';
export * from './metrics';
export * from './metrics-server';
export * from './request-pipeline';
export * from './json-body';
