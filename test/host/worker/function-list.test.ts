import type { RegisteredFunction } from '../../../host/src/contracts';
import { formatFunctionList } from '../../../host/src/function-list';

function fn(name: string, trigger: Record<string, unknown>): RegisteredFunction {
  const binding = { direction: 'in' as const, type: String(trigger.type), ...trigger };
  return { name, triggerBindingName: 'trigger', trigger: binding, bindings: { trigger: binding } };
}

describe('formatFunctionList', () => {
  it('prints HTTP functions with methods and URL and others with their trigger', () => {
    const lines = formatFunctionList(
      [
        fn('start', { type: 'httpTrigger', methods: ['GET', 'POST'], route: 'batches/{batchId}' }),
        fn('any', { type: 'httpTrigger' }),
        fn('onEvent', { type: 'queueTrigger', queueName: 'blob-created' }),
        fn('orchestrator', { type: 'orchestrationTrigger' }),
      ],
      'http://127.0.0.1:7071',
      'api',
    );
    expect(lines).toEqual([
      'start: [GET,POST] http://127.0.0.1:7071/api/batches/{batchId}',
      'any: http://127.0.0.1:7071/api/any',
      'onEvent: queueTrigger',
      'orchestrator: orchestrationTrigger',
    ]);
  });

  it('leaves the prefix out when routePrefix is empty', () => {
    expect(formatFunctionList([fn('root', { type: 'httpTrigger', route: 'ping' })], 'http://h:1', '')).toEqual([
      'root: http://h:1/ping',
    ]);
  });
});
