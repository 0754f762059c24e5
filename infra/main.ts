import { App } from 'cdktf';
import { assertValidEnvironments, InvalidConfigurationError } from './config/validation';
import { readStateBackendSettings } from './config/state-backend';
import { ENVIRONMENTS } from './environments';
import { FanOutStack } from './fan-out-stack';

/** Options of `buildApp`; the defaults are what `cdktf synth` uses. */
export interface BuildAppOptions {
  /** Folder the stacks are written to. @default the folder cdktf passes in CDKTF_OUTDIR, else `cdktf.out` */
  readonly outdir?: string;
  /** Variables to read the state backend from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Validates every environment and declares one stack per environment, named after it. */
export function buildApp(options: BuildAppOptions = {}): App {
  assertValidEnvironments(ENVIRONMENTS);
  const stateBackend = readStateBackendSettings(options.env ?? process.env);
  const app = new App({ outdir: options.outdir, skipValidation: false });

  for (const environment of ENVIRONMENTS) {
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
