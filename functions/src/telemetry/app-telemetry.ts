import { startTelemetry } from './otel';

/**
 * Starts OpenTelemetry when the app loads: `log.ts` imports this module and every entry file of the app imports
 * `log.ts`, so the distro starts while the first entry file loads, before any invocation.
 */
startTelemetry(process.env);
