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

/** Validates every environment and declares one stack per environment, named after it. */
export function buildApp(options: BuildAppOptions = {}): App {
  const environments = options.environments ?? ENVIRONMENTS;
  assertValidEnvironments(environments);
  const stateBackend = readStateBackendSettings(options.env ?? process.env);
  const app = new App({ outdir: options.outdir });

  for (const environment of environments) {
    new FanOutStack(app, environment.name, { environment, stateBackend });
  }
  return app;
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
