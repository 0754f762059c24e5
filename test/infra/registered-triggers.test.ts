import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { BindingInfo, RegisteredFunction } from '../../host/src/contracts';
import { AppWorker } from '../../host/src/worker/app-worker';
import { ENVIRONMENTS } from '../../infra/environments';
import {
  Attributes,
  literalName,
  onlyResource,
  resolveReference,
  synthesizeEnvironment,
} from './support/synthesized-stack';

const APP_DIR = path.resolve(__dirname, '../../functions');

/**
 * Compares the triggers and bindings that the Function App registers, loaded the way the Functions worker loads it,
 * with the infrastructure of every environment.
 */
describe('registered triggers against the stack', () => {
  let functions: RegisteredFunction[];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(APP_DIR, 'dist'))) {
      throw new Error('functions/dist is missing. Run npm run build -w functions (npm test does) before this suite.');
    }
    const worker = await AppWorker.start({ appDir: APP_DIR, env: {}, logger: pino({ level: 'silent' }) });
    functions = [...worker.functions.values()];
    await worker.stop();
  });

  const bindingsOf = (fn: RegisteredFunction): BindingInfo[] => [fn.trigger, ...Object.values(fn.bindings)];

  describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
    '%s',
    (_name, environment) => {
      const { json } = synthesizeEnvironment(environment);
      const app = onlyResource(json, 'azurerm_function_app_flex_consumption');
      const appSettings = app.app_settings as Record<string, string>;
      const subscription = onlyResource(json, 'azurerm_eventgrid_system_topic_event_subscription');
      const endpoint = subscription.storage_queue_endpoint as Attributes;

      it('starter listens on the queue Event Grid delivers to', () => {
        const queueTriggers = functions.filter((fn) => fn.trigger.type === 'queueTrigger');
        const deliveryAccount = resolveReference(json, endpoint.storage_account_id).resource;

        expect(queueTriggers.map((fn) => fn.trigger.queueName)).toEqual([literalName(json, endpoint.queue_name)]);
        for (const fn of queueTriggers) {
          const connection = String(fn.trigger.connection);
          expect(literalName(json, appSettings[`${connection}__accountName`])).toBe(deliveryAccount.name);
        }
      });

      it('storage connections use the identity', () => {
        const connections = new Set(
          functions.flatMap(bindingsOf).flatMap((binding) => (binding.connection ? [String(binding.connection)] : [])),
        );

        expect(connections.size).toBeGreaterThan(0);
        for (const connection of connections) {
          expect(appSettings).toHaveProperty(`${connection}__accountName`);
          expect(appSettings[`${connection}__credential`]).toBe('managedidentity');
        }
      });

      it('blob triggers use Event Grid, as Flex requires', () => {
        const blobTriggers = functions.filter((fn) => fn.trigger.type === 'blobTrigger');
        for (const fn of blobTriggers) {
          expect({ name: fn.name, source: fn.trigger.source }).toEqual({ name: fn.name, source: 'EventGrid' });
        }
      });
    },
  );
});
