export { type Clock, CLOCK, ManualClock, systemClock } from './clock';
export { CoreModule } from './core.module';
export { DomainError, ErrorCode, SessionEndedError } from './errors';
export {
  ADMIN_HTTP_CODES,
  bodyReadStatus,
  createValidationPipe,
  type HttpErrorCodes,
  type RenderedError,
  renderHttpError,
} from './http-errors';
export { APP_LOGGER, createLogger, PinoNestLogger } from './logger';
export { leaveQuietlyOnSignalUntilStarted } from './startup';
export { DssMetrics, METRICS } from './metrics';
export { listenMetrics, type MetricsServer } from './metrics-server';
export {
  pathOf,
  requestIdOf,
  requestPipeline,
  requestStages,
  setRouteOf,
} from './request-pipeline';
export { DependencyUnavailableError, UNAVAILABLE_RETRY_SECONDS } from './unavailable';
export { answersWithin } from './answers-within';
export { jsonBody, type JsonBodyError } from './json-body';
export {
  memoryRateLimits,
  type RateLimit,
  RateLimiter,
  type RateLimitFactory,
} from './rate-limiter';
export { writeFileAtomic } from './atomic-file';
export {
  loadOrCreateSecret,
  MAY_CREATE_SECRETS,
  readSecretFile,
  type SecretCreation,
  SecretMissingError,
  writeSecretFile,
} from './secret-file';
export { OptionalField } from './optional-field';
