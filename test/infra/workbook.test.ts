import { ENVIRONMENTS } from '../../infra/environments';
import { buildWorkbookDocument } from '../../infra/workbook/document';
import { PIPELINE_QUERIES } from '../../infra/workbook/queries';
import { onlyResource, resolveReference, synthesizeEnvironment } from './support/synthesized-stack';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const [first, second] = ENVIRONMENTS;
const workbookOf = (environment: typeof first) =>
  onlyResource(synthesizeEnvironment(environment).json, 'azurerm_application_insights_workbook');
const { json } = synthesizeEnvironment(first);
const workbook = onlyResource(json, 'azurerm_application_insights_workbook');

interface WorkbookStep {
  type: number;
  name: string;
  content: { query?: string; version?: string; timeContextFromParameter?: string };
}

describe('pipeline workbook', () => {
  const document = JSON.parse(String(workbook.data_json)) as {
    version: string;
    items: WorkbookStep[];
    fallbackResourceIds: string[];
  };

  it('is named by a UUID v5', () => {
    expect(workbook.name).toMatch(UUID_V5);
  });

  it('keeps its name across synths', () => {
    expect(workbookOf(first).name).toBe(workbook.name);
  });

  it('has a different name in each environment', () => {
    expect(workbookOf(second).name).not.toBe(workbook.name);
  });

  it('content is a Notebook/1.0 document', () => {
    expect(document.version).toBe('Notebook/1.0');
  });

  it('shows every pipeline query over the workbook time range', () => {
    const steps = document.items.filter((item) => item.content.version === 'KqlItem/1.0');

    expect(steps.map((step) => step.name)).toEqual(PIPELINE_QUERIES.map((query) => query.name));
    for (const step of steps) {
      expect(step.content.timeContextFromParameter).toBe('TimeRange');
    }
  });

  it('includes the Durable lifecycle and request queries', () => {
    const queries = document.items.map((item) => item.content.query ?? '').join('\n');
    expect(queries).toContain('"Host.Triggers.DurableTask"');
    expect(queries).toMatch(/^requests$/m);
  });

  it("includes the app's log and metric queries", () => {
    const queries = document.items.map((item) => item.content.query ?? '').join('\n');
    expect(queries).toMatch(/^customMetrics$/m);
    expect(queries).toContain('| where message startswith "activity.map-completed "');
  });

  it('is attached to the Application Insights resource', () => {
    const appInsights = onlyResource(json, 'azurerm_application_insights');
    const [fallback] = document.fallbackResourceIds;

    expect(resolveReference(json, fallback).resource).toBe(appInsights);
    expect(workbook.source_id).toMatch(/^\$\{lower\(azurerm_application_insights\.[^.]+\.id\)\}$/);
  });

  it('rejects a query that Terraform would read as a template', () => {
    const query = { name: 'bad', title: 'Bad', visualization: 'table' as const, query: 'print x = "${y}"' };
    expect(() => buildWorkbookDocument('id', [query])).toThrow('Workbook query bad contains');
  });
});
