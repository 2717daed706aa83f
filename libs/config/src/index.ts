export * from './config';
export * from './describe';
