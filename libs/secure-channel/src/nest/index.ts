export * from './error-mapping';
export * from './plain-error.filter';
export * from './sealed.decorator';
export * from './secure-channel.interceptor';
export * from './secure-channel.module';
export * from './secure-channel.service';
export * from './tokens';
