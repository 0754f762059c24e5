import type { Logger } from 'pino';
import { HostHttpRequest, HostHttpResponse, HttpRouteHandler } from '../contracts';
import { readBatchDetail } from './batch-detail';
import { BatchSummary, batchIdOf, familyOf, groupBatches } from './batches';
import { needsLiveCounts, withLiveProgress } from './live-progress';
import { ActivityRecord, DashboardSource } from './records';
import { StaticAsset, loadAssets } from './static-assets';

export interface DashboardOptions {
  source: DashboardSource;
  /** Adds names to activity inputs that lack them, for the detail view; the batch list does not need them. */
  nameActivities?: (activities: readonly ActivityRecord[]) => Promise<ActivityRecord[]>;
  /** Reads `results/<batchId>/summary.json` from the data storage account; omitted, the page shows the blob path only. */
  readResult?: (batchId: string) => Promise<Buffer | undefined>;
  /** Maximum number of timeline rows; more activities than this share rows. @default 600 */
  maxBars?: number;
  /** Maximum number of failures listed per batch. @default 200 */
  maxFailures?: number;
  /** Maximum number of batches listed, newest first. @default 100 */
  maxBatches?: number;
  logger?: Logger;
}

const API_PREFIX = '/dashboard/api/batches';
const ASSETS_PREFIX = '/dashboard/assets/';

/** Blocks inline scripts, inline event handlers and other origins: a second defence behind escaping every value. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/**
 * Serves the local dashboard: the page at `/`, its files under `/dashboard/assets/`, and JSON under
 * `/dashboard/api/batches` computed from the task hub. Every other path is left to the next handler.
 */
export function createDashboardHandler(options: DashboardOptions): HttpRouteHandler {
  const assets = loadAssets();
  return {
    async handle(request) {
      const path = request.url.pathname;
      const isPage = path === '/' || path === '/dashboard' || path === '/dashboard/';
      const isAsset = path.startsWith(ASSETS_PREFIX);
      const isApi = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
      if (!isPage && !isAsset && !isApi) return undefined;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return json(405, { error: `method ${request.method} is not allowed on ${path}: the dashboard is read-only` });
      }
      if (isPage) return serveAsset(assets.get('index.html'));
      if (isAsset) return serveAsset(assets.get(path.slice(ASSETS_PREFIX.length)));

      try {
        return await serveApi(request, options);
      } catch (error) {
        options.logger?.error({ err: error, path }, 'dashboard request failed');
        return json(500, { error: `dashboard request failed: ${(error as Error).message}` });
      }
    },
  };
}

async function serveApi(request: HostHttpRequest, options: DashboardOptions): Promise<HostHttpResponse> {
  const segments = pathSegments(request.url.pathname.slice(API_PREFIX.length));
  if (segments === undefined) return json(400, { error: `invalid percent-encoding in ${request.url.pathname}` });

  if (segments.length === 0) {
    const { batchCount, batches } = await listBatches(options.source, options.maxBatches ?? 100);
    return json(200, { generatedAt: new Date().toISOString(), batchCount, batches });
  }
  if (segments.length === 1) {
    const detail = await readBatchDetail(options.source, segments[0], {
      maxBars: options.maxBars ?? 600,
      maxFailures: options.maxFailures ?? 200,
      nameActivities: options.nameActivities,
      resultUrl: options.readResult
        ? (instanceId) => `${API_PREFIX}/${encodeURIComponent(instanceId)}/result`
        : undefined,
      nowMs: Date.now(),
    });
    return detail ? json(200, { generatedAt: new Date().toISOString(), ...detail }) : notFound(segments[0]);
  }
  if (segments.length === 2 && segments[1] === 'result') return serveResult(segments[0], options);
  return json(404, { error: `no dashboard route matches ${request.url.pathname}` });
}

/**
 * NOTE: this runs on the host's event loop, beside the durable engine, and reads every activity of each running
 * batch. With 20,000 activities a poll took a few hundred milliseconds on a loaded 2-core machine.
 */
async function listBatches(
  source: DashboardSource,
  maxBatches: number,
): Promise<{ batchCount: number; batches: BatchSummary[] }> {
  const instances = await source.listOrchestrations();
  const all = groupBatches(instances);
  const batches: BatchSummary[] = [];
  for (const batch of all.slice(0, maxBatches)) {
    const activities = needsLiveCounts(batch) ? await source.listActivities(familyOf(batch.instanceId, instances)) : [];
    batches.push(withLiveProgress(batch, activities));
  }
  return { batchCount: all.length, batches };
}

async function serveResult(instanceId: string, options: DashboardOptions): Promise<HostHttpResponse> {
  const batchId = batchIdOf(instanceId);
  if (batchId === null) return notFound(instanceId);
  if (!options.readResult) return json(404, { error: 'this dashboard has no access to the data storage account' });

  const body = await options.readResult(batchId);
  if (!body) return json(404, { error: `results/${batchId}/summary.json does not exist yet` });
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...PAGE_HEADERS }, body };
}

function pathSegments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((segment) => segment.length > 0)
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function serveAsset(asset: StaticAsset | undefined): HostHttpResponse {
  if (!asset) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
  return {
    status: 200,
    headers: { 'content-type': asset.contentType, 'cache-control': 'no-cache', ...PAGE_HEADERS },
    body: asset.body,
  };
}

function notFound(instanceId: string): HostHttpResponse {
  return json(404, {
    error: `batch instance ${JSON.stringify(instanceId)} not found: ${API_PREFIX} lists the top-level instances`,
  });
}

function json(status: number, value: unknown): HostHttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS },
    body: JSON.stringify(value),
  };
}
