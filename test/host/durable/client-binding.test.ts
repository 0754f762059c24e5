import { clientBindingData } from '../../../host/src/durable/client-binding';

describe('client binding data', () => {
  it('points rpcBaseUrl at the local origin and links at the public one', () => {
    const binding = clientBindingData('https://public.example.test', 'http://127.0.0.1:7071', 'Hub', true);
    expect(binding.rpcBaseUrl).toBe('http://127.0.0.1:7071/runtime/webhooks/durabletask/');
    expect(binding.baseUrl).toBe('https://public.example.test/runtime/webhooks/durabletask');
    expect((binding.managementUrls as Record<string, string>).statusQueryGetUri).toBe(
      'https://public.example.test/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=Hub&connection=Storage',
    );
  });

  it('omits rpcBaseUrl when the local RPC endpoint is disabled', () => {
    const binding = clientBindingData('http://127.0.0.1:7071', 'http://127.0.0.1:7071', 'Hub', false);
    expect(binding).not.toHaveProperty('rpcBaseUrl');
  });
});
