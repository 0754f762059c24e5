import { App } from 'cdktf';
import { assertValidEnvironments, InvalidConfigurationError } from './config/validation';
import { readStateBackendSettings } from './config/state-backend';
import { EnvironmentConfig } from './config/environment-config';
import { ENVIRONMENTS } from './environments';
import { FanOutStack } from './fan-out-stack';

/** Options of `buildApp`. The defaults are what `cdktf synth` uses. */
export interface BuildAppOptions {
  /** Folder the stacks are written to. @default the folder cdktf passes in CDKTF_OUTDIR, else `cdktf.out` */
  readonly outdir?: string;
  /** Variables to read the state backend from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Environments to declare a stack for. @default ENVIRONMENTS */
  readonly environments?: readonly EnvironmentConfig[];
}

/**
 * Variable that replaces every environment's `namePrefix`. Storage account names are global across Azure, so each
 * deployment of this repository (a fork, a second subscription) sets its own prefix here instead of editing code.
 */
export const NAME_PREFIX_VARIABLE = 'FANOUT_NAME_PREFIX';

/** Validates every environment and declares one stack per environment, named after it. */
export function buildApp(options: BuildAppOptions = {}): App {
  const env = options.env ?? process.env;
  const environments = withNamePrefix(options.environments ?? ENVIRONMENTS, env[NAME_PREFIX_VARIABLE]);
  assertValidEnvironments(environments);
  const stateBackend = readStateBackendSettings(env);
  const app = new App({ outdir: options.outdir });

  for (const environment of environments) {
    new FanOutStack(app, environment.name, { environment, stateBackend });
  }
  return app;
}

function withNamePrefix(environments: readonly EnvironmentConfig[], prefix: string | undefined) {
  if (prefix === undefined || prefix === '') return environments;
  return environments.map((environment) => ({ ...environment, namePrefix: prefix }));
}

if (require.main === module) {
  try {
    buildApp().synth();
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) {
      throw error;
    }
    console.error(error.message);
    process.exitCode = 1;
  }
}
