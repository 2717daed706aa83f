export * from './secret-file';
export * from './server-identity';
