export { ConfigError, DSS_CONFIG, type DssConfig, isKey32, loadConfig } from './config';
export { describeDatabase } from './describe';
