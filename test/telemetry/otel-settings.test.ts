import { ManagedIdentityCredential } from '@azure/identity';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  azureMonitorOptions,
  parseAuthenticationString,
  startTelemetry,
  TelemetrySettingsError,
} from '../../functions/src/telemetry/otel';
import { APP_DIR } from '../functions/support/host-harness';

const CONNECTION_STRING = 'InstrumentationKey=00000000-0000-0000-0000-000000000000';

describe('authentication string', () => {
  it('reads the client id', () => {
    expect(parseAuthenticationString('Authorization=AAD;ClientId=1234')).toEqual({ clientId: '1234' });
  });

  it('accepts keys in any order and case', () => {
    expect(parseAuthenticationString('clientid=1234;authorization=aad')).toEqual({ clientId: '1234' });
  });

  it('without a client id means the system identity', () => {
    expect(parseAuthenticationString('Authorization=AAD')).toEqual({});
  });

  it('rejects a missing Authorization=AAD', () => {
    expect(() => parseAuthenticationString('ClientId=1234')).toThrow(TelemetrySettingsError);
    expect(() => parseAuthenticationString('ClientId=1234')).toThrow(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING has Authorization=(missing): set Authorization=AAD',
    );
  });

  it('rejects a part without a value', () => {
    expect(() => parseAuthenticationString('Authorization=AAD;ClientId')).toThrow('part "ClientId"');
  });
});

describe('Azure Monitor options', () => {
  it('are absent without a connection string', () => {
    expect(azureMonitorOptions({})).toBeUndefined();
  });

  it('carry the connection string', () => {
    const options = azureMonitorOptions({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING });
    expect(options).toEqual({ azureMonitorExporterOptions: { connectionString: CONNECTION_STRING } });
  });

  it('use the managed identity of the authentication string', () => {
    const options = azureMonitorOptions({
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=1234;Authorization=AAD',
    });
    expect(options?.azureMonitorExporterOptions?.credential).toBeInstanceOf(ManagedIdentityCredential);
  });
});

describe('telemetry start', () => {
  it('does nothing without a connection string', () => {
    expect(startTelemetry({})).toBe(false);
  });

  it('loads no OpenTelemetry SDK when the app loads without one', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('APPLICATIONINSIGHTS_')),
    );
    const script = [
      `require(${JSON.stringify(path.join(APP_DIR, 'dist/telemetry/log.js'))});`,
      'const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry[\\\\/]sdk-|monitor-opentelemetry/.test(file));',
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');

    const output = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });

    expect(JSON.parse(output)).toEqual([]);
  });
});
