export { createJobstream } from './server.js';
export type { Jobstream, JobstreamOptions } from './server.js';
export { loadConfig, ConfigError, settings } from './config.js';
export type { Config } from './config.js';
export { createLogger } from './logger.js';
export type { Authorizer, Principal } from './auth/principal.js';
export { Hub } from './hub/hub.js';
export type { Broker } from './hub/broker.js';
