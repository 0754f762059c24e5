import { ENVIRONMENTS } from '../../../infra/environments';
import { onlyResource, synthesizeEnvironment } from '../../infra/support/synthesized-stack';

/** Telemetry names that one workbook query step reads. */
export interface QueriedStep {
  step: string;
  /** Dotted lower-case string literals: the app's log event and metric names. */
  names: string[];
  /** Keys read as `fields.<key>`: fields of the app's log lines. */
  logFields: string[];
  /** Keys read as `customDimensions.<key>` in a `customMetrics` query: metric attributes. */
  metricAttributes: string[];
}

/** A string literal that names app telemetry, such as `activity.map-completed` or `fanout.map.bytes`. */
const TELEMETRY_NAME = /^[a-z]+(?:\.[a-z_-]+)+$/;

const unique = (values: string[]) => [...new Set(values)].sort();

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

/**
 * Parses the names out of one query. Durable and host dimensions (`prop__*`, `Category`) are not the app's, so
 * they are left out.
 */
export function parseQuery(step: string, query: string): QueriedStep {
  const literals = matches(query, /"([^"]*)"/g).map((literal) => literal.trim());
  const dimensions = matches(query, /customDimensions\.(\w+)/g).filter(
    (key) => !key.startsWith('prop__') && key !== 'Category',
  );
  return {
    step,
    names: unique(literals.filter((literal) => TELEMETRY_NAME.test(literal))),
    logFields: unique(matches(query, /\bfields\.(\w+)/g)),
    metricAttributes: /^customMetrics$/m.test(query) ? unique(dimensions) : [],
  };
}

/** Synthesizes the first environment's stack and parses every query step of its workbook's `data_json`. */
export function synthesizedWorkbookSteps(): QueriedStep[] {
  const workbook = onlyResource(synthesizeEnvironment(ENVIRONMENTS[0]).json, 'azurerm_application_insights_workbook');
  const document = JSON.parse(String(workbook.data_json)) as {
    items: { name: string; content: { query?: string } }[];
  };
  return document.items
    .filter((item) => item.content.query !== undefined)
    .map((item) => parseQuery(item.name, item.content.query ?? ''));
}
