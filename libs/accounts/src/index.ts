export {
  type AccountChange,
  type IssuedTemporaryPassword,
  USER_STATUSES,
  type UserStatus,
  type UserSummary,
} from './account.types';
export { AccountsModule } from './accounts.module';
export { AccountsService, type UserProfile } from './accounts.service';
export {
  type AuthenticatedOperator,
  BOOTSTRAP_OPERATOR,
  OPERATOR_ROLES,
  type OperatorBootstrap,
  OperatorsService,
  type OperatorStatus,
  type OperatorSummary,
} from './operators.service';
export { PasswordHasher } from './password-hasher';
export { loadOrCreatePepper } from './pepper';
export { normalizeUsername } from './username';
