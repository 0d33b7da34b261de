/** Everything the commands need from the config module. */
export { loadConfig, type LoadedConfig, type LoadOptions } from "./load.ts";
export { formatProblem, formatProblems, ConfigProblemsError } from "./problems.ts";
export {
  locateConfig,
  defaultConfigPaths,
  type LocatedConfig,
  type LocateOptions,
} from "./locate.ts";
export { loadEnvFiles, pickEnvFile, type EnvFileOptions } from "./env.ts";
export { readConfigFile, parseConfigText, configFormat, type ConfigFormat } from "./parse.ts";
export { validateConfig, type ValidateOptions } from "./validate.ts";
export { loadKeys, lookupKey, keyVariableName, type KeyRing } from "./keys.ts";
export { parseSize, isTimeZone, POLICY_DEFAULTS, DEFAULTS } from "./schema.ts";
export type * from "./types.ts";
export { inspectSetup, type SetupReport } from "./inspect.ts";
