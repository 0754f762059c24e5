import { PIPELINE_QUERIES, WorkbookQuery } from './queries';

/** Time ranges offered by the workbook, in milliseconds, from one hour to 30 days. */
const TIME_RANGES_MS = [3_600_000, 14_400_000, 86_400_000, 604_800_000, 2_592_000_000];

/** Time range the workbook opens with: one day. */
const DEFAULT_TIME_RANGE_MS = 86_400_000;

/** Workbook step kinds of the `Notebook/1.0` schema. */
const STEP_TYPE = { text: 1, query: 3, parameters: 9 } as const;

/** Query type of a logs query in a workbook step. */
const LOGS_QUERY_TYPE = 0;

/** Time range parameter kind in a workbook parameters step. */
const TIME_RANGE_PARAMETER_TYPE = 4;

function timeRangeStep(): object {
  return {
    type: STEP_TYPE.parameters,
    name: 'parameters',
    content: {
      version: 'KqlParameterItem/1.0',
      parameters: [
        {
          id: 'time-range',
          name: 'TimeRange',
          label: 'Time range',
          type: TIME_RANGE_PARAMETER_TYPE,
          isRequired: true,
          value: { durationMs: DEFAULT_TIME_RANGE_MS },
          typeSettings: { selectableValues: TIME_RANGES_MS.map((durationMs) => ({ durationMs })), allowCustom: true },
        },
      ],
      style: 'pills',
      queryType: LOGS_QUERY_TYPE,
      resourceType: 'microsoft.insights/components',
    },
  };
}

/**
 * Terraform reads `${` and `%{` in a JSON string as template syntax, so a query containing either would be rewritten
 * or rejected at plan time.
 */
function assertNoTemplateSyntax(query: WorkbookQuery): void {
  if (query.query.includes('${') || query.query.includes('%{')) {
    throw new Error(`Workbook query ${query.name} contains "\${" or "%{", which Terraform reads as a template.`);
  }
}

function queryStep(query: WorkbookQuery): object {
  assertNoTemplateSyntax(query);
  return {
    type: STEP_TYPE.query,
    name: query.name,
    customWidth: '50',
    content: {
      version: 'KqlItem/1.0',
      title: query.title,
      query: query.query,
      size: 0,
      queryType: LOGS_QUERY_TYPE,
      resourceType: 'microsoft.insights/components',
      timeContextFromParameter: 'TimeRange',
      visualization: query.visualization,
    },
  };
}

/**
 * Builds the workbook content (`Notebook/1.0` schema) for the given Application Insights resource: a title, a time
 * range parameter and one step per query.
 */
export function buildWorkbookDocument(
  applicationInsightsId: string,
  queries: readonly WorkbookQuery[] = PIPELINE_QUERIES,
): object {
  const intro = {
    type: STEP_TYPE.text,
    name: 'intro',
    content: {
      json:
        '## Fan-out/fan-in pipeline\n' +
        "Each batch's result, files and timings from the app's logs and metrics, next to the Durable Functions " +
        'orchestrations, their activities and failures. Counts over traces and requests come from sampled ' +
        'telemetry and are estimates; metrics are not sampled.',
    },
  };

  return {
    version: 'Notebook/1.0',
    items: [intro, timeRangeStep(), ...queries.map(queryStep)],
    fallbackResourceIds: [applicationInsightsId],
    $schema: 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json',
  };
}
