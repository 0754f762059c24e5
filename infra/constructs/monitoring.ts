import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly workspaceName: string;
  readonly applicationInsightsName: string;
  /** Days that both the workspace and Application Insights keep telemetry. */
  readonly retentionDays: number;
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/**
 * Log Analytics workspace and a workspace-based Application Insights that accepts only Entra ID authenticated
 * telemetry, so its connection string alone cannot be used to write data.
 */
export class Monitoring extends Construct {
  readonly workspace: LogAnalyticsWorkspace;
  readonly applicationInsights: ApplicationInsights;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.workspace = new LogAnalyticsWorkspace(this, 'workspace', {
      name: props.workspaceName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: props.retentionDays,
      localAuthenticationEnabled: false,
      tags: props.tags,
    });

    this.applicationInsights = new ApplicationInsights(this, 'application-insights', {
      name: props.applicationInsightsName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      applicationType: 'web',
      workspaceId: this.workspace.id,
      // Without it the provider sends its default of 90 days, whatever the workspace keeps.
      retentionInDays: props.retentionDays,
      localAuthenticationDisabled: true,
      tags: props.tags,
    });
  }
}
