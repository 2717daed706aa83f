export * from './account.types';
export * from './accounts.module';
export { AccountsService, type LoginFailureReason } from './accounts.service';
export * from './login-throttle';
export * from './password-hasher';
export * from './password-policy';
export * from './pepper';
export * from './temporary-password';
export * from './username';
