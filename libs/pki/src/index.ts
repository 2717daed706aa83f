export * from './authority';
export * from './cms';
export * from './oids';
export * from './timestamp';
export * from './pki.module';
export * from './pki.service';
export * from './verify';
