import fs from 'node:fs';
import path from 'node:path';
import type { DurableService, DurableServiceOptions, HostHttpRequest } from '../../../host/src/contracts';
import { RunningHost, startHost } from '../../../host/src/host';
import { captureLogs, FIXTURE_APPS, LogRecord, tempDir, waitFor } from './host-fixtures';

/**
 * Builds the smallest durable service that honours the contract: it serves one webhook path and hands out client
 * binding data, so the host's wiring is tested without the durable engine.
 */
function recordingDurableService(calls: string[], captured: { options?: DurableServiceOptions }) {
  return (options: DurableServiceOptions): DurableService => {
    captured.options = options;
    const base = `${options.baseUrl}/runtime/webhooks/durabletask`;
    return {
      triggerTypes: ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'],
      clientBinding: (fn, bindingName) => {
        calls.push(`clientBinding ${fn.name} ${bindingName}`);
        return {
          string: JSON.stringify({
            taskHubName: options.settings.hubName,
            creationUrls: { createNewInstancePostUri: `${base}/orchestrators/{functionName}` },
            managementUrls: { id: 'INSTANCEID', statusQueryGetUri: `${base}/instances/INSTANCEID` },
            baseUrl: base,
            requiredQueryStringParameters: '',
            rpcBaseUrl: `${base}/`,
          }),
        };
      },
      http: {
        handle: async (request: HostHttpRequest) =>
          request.url.pathname === '/runtime/webhooks/durabletask/ping' ? { status: 200, body: 'pong' } : undefined,
      },
      start: async () => {
        calls.push('start');
      },
      stop: async () => {
        calls.push('stop');
      },
    };
  };
}

describe('durable service wiring', () => {
  let host: RunningHost;
  let dataDir: string;
  const calls: string[] = [];
  const captured: { options?: DurableServiceOptions } = {};
  const records: LogRecord[] = [];

  beforeAll(async () => {
    dataDir = tempDir('durable-seam');
    host = await startHost({
      appDir: path.join(FIXTURE_APPS, 'basic-durable'),
      port: 0,
      dataDir,
      settings: { TASKHUB_NAME: 'SeamHub' },
      logger: captureLogs(records).logger,
      createDurableService: recordingDurableService(calls, captured),
    });
  });

  afterAll(async () => {
    await host.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes resolved durableTask settings, the data folder and the origin', () => {
    expect(captured.options?.settings).toEqual({ hubName: 'SeamHub', maxConcurrentActivityFunctions: 4 });
    expect(captured.options?.dataDir).toBe(dataDir);
    expect(captured.options?.baseUrl).toBe(host.url);
    expect(calls[0]).toBe('start');
  });

  it('fills durableClient inputs from the service', async () => {
    const response = await fetch(`${host.url}/api/clientInfo`);
    expect(await response.json()).toEqual({ taskHubName: 'SeamHub' });
    expect(calls).toContain('clientBinding clientInfo durableClientInputd82f0ee27b');
  });

  it('serves the service HTTP handler', async () => {
    expect(await (await fetch(`${host.url}/runtime/webhooks/durabletask/ping`)).text()).toBe('pong');
  });

  it('invokes an activity through the durable-functions programming model', async () => {
    const result = await host.invoker.invoke('sayHello', { trigger: { string: JSON.stringify('Tokyo') } });
    expect(result.error).toBeUndefined();
    expect(result.returnValue).toEqual({ string: 'Hello, Tokyo!' });
  });

  it('leaves durable triggers to the service', () => {
    expect(host.functions.get('helloSequence')?.trigger.type).toBe('orchestrationTrigger');
    expect(records.filter((record) => record.msg === 'trigger type not supported; function will not run')).toEqual([]);
  });

  it('stops the service with the host', async () => {
    await host.stop();
    expect(calls[calls.length - 1]).toBe('stop');
  });
});

describe('durable engine in the host', () => {
  it('runs a starter, an orchestration and its activities', async () => {
    const dataDir = tempDir('durable-host');
    const host = await startHost({
      appDir: path.join(FIXTURE_APPS, 'basic-durable'),
      port: 0,
      dataDir,
      settings: { TASKHUB_NAME: 'HostHub' },
      logger: captureLogs().logger,
    });
    try {
      const started = await fetch(`${host.url}/api/orchestrators/helloSequence`, { method: 'POST' });
      expect(started.status).toBe(202);
      const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
      expect(statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/`)).toBe(true);

      const status = await waitFor(async () => {
        const body = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
        return body.runtimeStatus === 'Completed' ? body : undefined;
      });
      expect(status.output).toEqual(['Hello, Tokyo!', 'Hello, Seattle!']);
    } finally {
      await host.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
