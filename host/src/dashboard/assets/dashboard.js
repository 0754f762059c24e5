/* global document, window, fetch */
import { formatDuration, formatTime, html } from './dom.js';
import { renderThroughput } from './throughput-chart.js';
import { renderTimeline } from './timeline-chart.js';

/** Polling interval while a batch runs, and while every batch has finished (to notice new batches). */
const LIVE_POLL_MS = 1500;
const IDLE_POLL_MS = 5000;
const RETRY_MS = 5000;
const API = '/dashboard/api/batches';

let selectedId = instanceIdFromHash();
let detail = null;
let timer = null;
let refreshing = false;
let refreshAgain = false;

/** Fetches and renders the list and the selected batch, then schedules the next poll; calls never overlap. */
async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  window.clearTimeout(timer);
  let delay = RETRY_MS;
  try {
    delay = (await update()) ? LIVE_POLL_MS : IDLE_POLL_MS;
  } catch (error) {
    showConnection('error', null, error.message);
  }
  refreshing = false;

  if (refreshAgain) {
    refreshAgain = false;
    refresh();
  } else {
    timer = window.setTimeout(refresh, delay);
  }
}

/** Renders the latest data; returns whether a batch is still running. */
async function update() {
  const list = await getJson(API);
  renderBatches(list.batches, list.batchCount);
  // A batch named in the URL that has not started yet keeps its place: the newest batch shows until it does.
  const selected = list.batches.find((batch) => batch.instanceId === selectedId) ?? list.batches[0];
  if (selected && needsDetail(selected)) {
    detail = await getJson(`${API}/${encodeURIComponent(selected.instanceId)}`);
    renderDetail(detail);
  }
  markSelected();

  const live = list.batches.some((batch) => !batch.finished);
  showConnection(live ? 'live' : 'idle', list.generatedAt);
  return live;
}

/** Returns whether to fetch a batch's detail: once when it has finished, on every poll while it runs. */
function needsDetail(batch) {
  if (!detail || detail.batch.instanceId !== batch.instanceId) return true;
  return !detail.batch.finished || detail.batch.lastUpdatedTime !== batch.lastUpdatedTime;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} returned HTTP ${response.status}`);
  return response.json();
}

function renderBatches(batches, batchCount) {
  const rows = [];
  for (const batch of batches) {
    rows.push(batchRow(batch, batch.batchId, ['batch']));
    for (const child of batch.children) rows.push(batchRow(child, child.instanceId, ['child']));
  }
  document.querySelector('#batches tbody').replaceChildren(...rows);
  document.getElementById('no-batches').hidden = batches.length > 0;
  const more = document.getElementById('more-batches');
  more.hidden = batchCount <= batches.length;
  more.textContent = `Showing the newest ${batches.length} of ${batchCount} batches.`;
}

function batchRow(instance, title, classes) {
  const { progress } = instance;
  const row = html(
    'tr',
    { class: classes.join(' '), 'data-instance-id': instance.instanceId, 'data-status': instance.runtimeStatus },
    html(
      'td',
      {},
      classes.includes('batch') ? html('a', { href: `#${encodeURIComponent(instance.instanceId)}` }, title) : title,
    ),
    html('td', {}, statusBadge(instance.runtimeStatus)),
    html('td', {}, progressBar(progress.percent)),
    html('td', {}, `${progress.done} · ${progress.failed} · ${progress.total ?? '?'}`),
    html('td', {}, progress.phase ?? ''),
    html('td', {}, formatTime(instance.createdTime)),
    html('td', {}, formatDuration(elapsedMs(instance))),
  );
  if (classes.includes('batch')) row.addEventListener('click', () => select(instance.instanceId));
  return row;
}

function statusBadge(runtimeStatus) {
  return html('span', { class: `status status-${runtimeStatus}` }, runtimeStatus);
}

function progressBar(percent) {
  const text = percent === null ? '–' : `${percent}%`;
  return html(
    'div',
    {
      class: 'progress',
      role: 'progressbar',
      'aria-valuenow': percent ?? undefined,
      'aria-valuemin': 0,
      'aria-valuemax': 100,
    },
    progressFill(percent ?? 0),
    html('span', { class: 'progress-text' }, text),
  );
}

/** Sets the width through the CSSOM, which the page's Content-Security-Policy allows, unlike style attributes. */
function progressFill(percent) {
  const fill = html('div', { class: 'progress-fill' });
  fill.style.width = `${percent}%`;
  return fill;
}

function renderDetail(data) {
  const { batch, timeline, throughput } = data;
  document.getElementById('detail').hidden = false;
  document.getElementById('detail-title').textContent = `Batch ${batch.batchId}`;
  document.getElementById('facts').replaceChildren(...facts(data));

  const rows = timeline.aggregated
    ? ` in ${timeline.bars.length} rows of up to ${Math.ceil(timeline.activityCount / timeline.bars.length)}`
    : '';
  document.getElementById('timeline-caption').textContent =
    `${timeline.activityCount} activities${rows}, up to ${timeline.maxConcurrency} running at once, over ${formatDuration(timeline.spanMs)}.`;
  renderTimeline(document.getElementById('timeline'), timeline);

  const seconds = Math.max(timeline.spanMs / 1000, 1e-3);
  document.getElementById('throughput-caption').textContent =
    `${throughput.files} files and ${throughput.rows.toLocaleString()} rows, ` +
    `${(throughput.files / seconds).toFixed(1)} files/s and ${Math.round(throughput.rows / seconds).toLocaleString()} rows/s on average, ` +
    `in buckets of ${formatDuration(throughput.bucketMs)}.`;
  renderThroughput(document.getElementById('throughput'), throughput);
  renderFailures(data);
}

function facts(data) {
  const { batch, result } = data;
  const entries = [
    ['Instance', batch.instanceId],
    ['Orchestrator', batch.name],
    ['Status', statusBadge(batch.runtimeStatus)],
    ...(data.outcome ? [['Outcome', data.outcome]] : []),
    ['Sub-orchestrations', String(batch.children.length)],
    ['Started', formatTime(batch.createdTime)],
    ['Duration', formatDuration(elapsedMs(batch))],
  ];
  if (result) entries.push(['Result', resultLink(result)]);
  return entries.flatMap(([term, value]) => [html('dt', {}, term), html('dd', {}, value)]);
}

function resultLink(result) {
  if (result.url && result.url.startsWith('/'))
    return html('a', { href: result.url, id: 'result-link' }, result.blobPath);
  return html('code', { id: 'result-link' }, result.blobPath);
}

function renderFailures({ failures, failureCount }) {
  const caption =
    failureCount === 0
      ? 'None.'
      : failureCount > failures.length
        ? `The first ${failures.length} of ${failureCount}.`
        : `${failureCount}.`;
  document.getElementById('failures-caption').textContent = caption;
  document
    .querySelector('#failures tbody')
    .replaceChildren(
      ...failures.map((failure) =>
        html(
          'tr',
          {},
          html('td', {}, failure.label),
          html('td', {}, failure.functionName),
          html('td', {}, failure.reason),
        ),
      ),
    );
}

function elapsedMs(instance) {
  const end = instance.finished ? Date.parse(instance.lastUpdatedTime) : Date.now();
  return end - Date.parse(instance.createdTime);
}

function markSelected() {
  for (const row of document.querySelectorAll('#batches tr.batch')) {
    row.classList.toggle('selected', row.dataset.instanceId === detail?.batch.instanceId);
  }
}

function select(instanceId) {
  window.location.hash = encodeURIComponent(instanceId);
}

function instanceIdFromHash() {
  const hash = window.location.hash.slice(1);
  try {
    return hash ? decodeURIComponent(hash) : null;
  } catch {
    return null;
  }
}

function showConnection(state, generatedAt, message) {
  const element = document.getElementById('connection');
  element.className = `connection ${state === 'error' ? 'error' : 'live'}`;
  element.dataset.state = state;
  const updated = generatedAt ? ` · updated ${formatTime(generatedAt)}` : '';
  const texts = {
    live: `live, refreshing every ${LIVE_POLL_MS / 1000} s${updated}`,
    idle: `no batch running${updated}`,
    error: `cannot reach the host (${message}); retrying`,
  };
  element.textContent = texts[state];
}

window.addEventListener('hashchange', () => {
  selectedId = instanceIdFromHash();
  refresh();
});
window.addEventListener('resize', () => {
  if (detail) renderDetail(detail);
});
refresh();
