import { LOG_RETENTION_DAYS } from '../../infra/config/environment-config';
import { ENVIRONMENTS } from '../../infra/environments';
import { onlyResource, synthesizeEnvironment } from './support/synthesized-stack';

/** Values that the azurerm provider accepts for `retention_in_days` of Application Insights. */
const APPLICATION_INSIGHTS_RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730];

describe.each(ENVIRONMENTS.map((environment) => [environment.name, environment] as const))(
  'log retention of %s',
  (_name, environment) => {
    const { json } = synthesizeEnvironment(environment);

    it('workspace keeps logRetentionDays', () => {
      expect(onlyResource(json, 'azurerm_log_analytics_workspace').retention_in_days).toBe(
        environment.logRetentionDays,
      );
    });

    it('Application Insights keeps logRetentionDays', () => {
      expect(onlyResource(json, 'azurerm_application_insights').retention_in_days).toBe(environment.logRetentionDays);
    });
  },
);

it('every allowed value suits Application Insights', () => {
  expect(LOG_RETENTION_DAYS.filter((days) => !APPLICATION_INSIGHTS_RETENTION_DAYS.includes(days))).toEqual([]);
});
