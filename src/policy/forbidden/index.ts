import { configOptions } from './config-options.js';
import { dbSchema } from './db-schema.js';
import { dependencies } from './dependencies.js';
import type { Detector } from './detector.js';
import { httpApi } from './http-api.js';
import { newFeatures } from './new-features.js';
import { notifications } from './notifications.js';
import { rpcApi } from './rpc-api.js';

/** Every forbidden-change detector, in the order the verdict lists them. */
export const DETECTORS: readonly Detector[] = [
  dbSchema,
  httpApi,
  rpcApi,
  notifications,
  configOptions,
  dependencies,
  newFeatures,
];
