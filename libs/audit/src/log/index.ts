export * from './log-key';
export * from './merkle';
export * from './note';
export * from './transparency-log.module';
export * from './transparency-log.service';
export * from './tree-store';
export * from './log-verifier';
export * from './trail-verification';
