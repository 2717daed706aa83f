export * from './authority';
export * from './cms';
export * from './oids';
export * from './timestamp';
