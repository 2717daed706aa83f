export * from './audit-action';
export * from './audit-chain';
export * from './audit.module';
export * from './audit.service';
export * from './canonical-json';
export * from './group-commit';
export * from './log';
