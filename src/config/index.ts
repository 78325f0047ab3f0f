export { ConfigError } from './errors';
export { DEFAULT_ACCOUNTS_FILE, loadConfig, validateConfig } from './load';
export type {
  AccountConfig,
  AccountPipelineAccess,
  BootstrapConfig,
  CircleciProjectTrustConfig,
  CircleciTrustConfig,
  GithubTrustConfig,
  GitlabTrustConfig,
  PipelineAccessConfig,
  PipelineConfig,
  SecurityGroupRuleConfig,
  TrustConfig,
} from './model';
export { stateBucketName } from './names';
export { DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS, DEFAULT_PRODUCTION_ACCOUNT, DEFAULT_REGION } from './schema';
export { readSettings, type Settings } from './settings';
