import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { ApplicationInsightsWorkbook } from '@cdktf/provider-azurerm/lib/application-insights-workbook';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { buildWorkbookDocument } from '../workbook/document';

export interface PipelineWorkbookProps {
  /** Workbook name, which Azure requires to be a UUID. */
  readonly name: string;
  readonly displayName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly applicationInsights: ApplicationInsights;
  /** @default no tags */
  readonly tags?: Record<string, string>;
}

/** Application Insights workbook with the pipeline's queries, shown under the resource's Workbooks blade. */
export class PipelineWorkbook extends Construct {
  readonly workbook: ApplicationInsightsWorkbook;

  constructor(scope: Construct, id: string, props: PipelineWorkbookProps) {
    super(scope, id);

    this.workbook = new ApplicationInsightsWorkbook(this, 'workbook', {
      name: props.name,
      displayName: props.displayName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      category: 'workbook',
      // Azure stores the source id in lower case, so any other casing shows as a diff on every plan.
      sourceId: Fn.lower(props.applicationInsights.id),
      dataJson: JSON.stringify(buildWorkbookDocument(props.applicationInsights.id)),
      tags: props.tags,
    });
  }
}
