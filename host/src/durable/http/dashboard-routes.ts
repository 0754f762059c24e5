import type { EngineContext } from '../engine-context';
import { activitiesOf, childrenOf, listInstances, type ActivityRow, type InstanceRow } from '../store';
import { filterParams, positiveIntegerParam } from './query';
import { errorResponse, jsonResponse } from './responses';
import type { Route } from './route-table';
import { parseLenient } from './json-text';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function instanceSummary(row: InstanceRow): Record<string, unknown> {
  return {
    instanceId: row.instance_id,
    name: row.name,
    runtimeStatus: row.status,
    customStatus: parseLenient(row.custom_status),
    createdTime: iso(row.created_at),
    lastUpdatedTime: iso(row.updated_at),
    completedTime: iso(row.completed_at),
    parentInstanceId: row.parent_instance_id,
  };
}

function activitySummary(row: ActivityRow): Record<string, unknown> {
  return {
    taskId: row.task_id,
    name: row.name,
    status: row.status,
    scheduledTime: iso(row.scheduled_at),
    startedTime: iso(row.started_at),
    completedTime: iso(row.completed_at),
    durationMs: row.started_at !== null && row.completed_at !== null ? row.completed_at - row.started_at : null,
    dispatchCount: row.dispatch_count,
    failureReason: row.failure_reason,
  };
}

/**
 * Read-only routes for the local dashboard: instances with their progress, and per instance the activity
 * work items with their times and failure reasons plus the sub-orchestrations. Also the engine counters.
 */
export function dashboardRoutes(ctx: EngineContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^dashboard\/instances$/i,
      handler: (_params, request) => {
        const top = positiveIntegerParam(request.url.searchParams, 'top', 100);
        const rows = listInstances(ctx.store.db, filterParams(request.url.searchParams), top);
        return jsonResponse(200, rows.map(instanceSummary));
      },
    },
    {
      method: 'GET',
      pattern: /^dashboard\/instances\/([^/]+)$/i,
      handler: (params) => {
        const instance = ctx.store.getInstance(params[0]);
        if (!instance) {
          return errorResponse(404, 'Not found', `No instance with ID '${params[0]}' was found.`);
        }
        return jsonResponse(200, {
          instance: { ...instanceSummary(instance), output: parseLenient(instance.output) },
          activities: activitiesOf(ctx.store.db, instance.instance_id).map(activitySummary),
          subOrchestrations: childrenOf(ctx.store.db, instance.instance_id).map(instanceSummary),
        });
      },
    },
    { method: 'GET', pattern: /^metrics$/i, handler: () => jsonResponse(200, ctx.metrics) },
  ];
}
