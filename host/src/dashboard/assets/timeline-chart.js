import { formatDuration, shorten, svg, tickStep } from './dom.js';

const AXIS_HEIGHT = 34;
const MAX_PLOT_HEIGHT = 560;
const LABEL_GUTTER = 230;
const MIN_ROW_HEIGHT_FOR_LABELS = 11;

/**
 * Draws one row per timeline bar from its scheduled time: a light segment while it waits for a worker, then a
 * solid segment while it runs (green completed, yellow running, red failed). Bars that overlap in time ran in
 * parallel. Each bar carries `data-function`, `data-status` and `data-count` for tools and tests.
 */
export function renderTimeline(container, timeline) {
  const rows = timeline.bars.length;
  const rowHeight = Math.max(2, Math.min(16, Math.floor(MAX_PLOT_HEIGHT / Math.max(rows, 1))));
  const gutter = rowHeight >= MIN_ROW_HEIGHT_FOR_LABELS ? LABEL_GUTTER : 8;
  const width = Math.max(640, container.clientWidth - 2);
  const span = Math.max(timeline.spanMs, 1);
  const scale = (ms) => gutter + (Math.min(Math.max(ms, 0), span) / span) * (width - gutter - 12);
  const height = AXIS_HEIGHT + rows * rowHeight + 6;

  const chart = svg('svg', { width, height, role: 'img', 'aria-label': 'Fan-out timeline' });
  chart.append(legend(), timeAxis(span, scale, height));
  timeline.bars.forEach((bar, index) =>
    chart.append(barRow(bar, AXIS_HEIGHT + index * rowHeight, rowHeight, gutter, scale, span)),
  );
  container.replaceChildren(chart);
}

function barRow(bar, y, rowHeight, gutter, scale, span) {
  const barHeight = rowHeight > 4 ? rowHeight - 3 : rowHeight;
  const end = bar.completed ?? span;
  const workStart = bar.started ?? (bar.completed !== null ? bar.scheduled : end);
  const group = svg(
    'g',
    { class: 'bar', 'data-function': bar.functionName, 'data-status': bar.status, 'data-count': bar.count },
    svg('title', {}, describe(bar)),
  );

  group.append(
    svg('rect', {
      class: 'waiting',
      x: scale(bar.scheduled),
      y,
      width: Math.max(0, scale(workStart) - scale(bar.scheduled)),
      height: barHeight,
    }),
    svg('rect', {
      class: 'work',
      x: scale(workStart),
      y,
      width: Math.max(1, scale(end) - scale(workStart)),
      height: barHeight,
    }),
  );
  if (bar.failed > 0) {
    group.append(svg('rect', { class: 'failed-mark', x: scale(end) + 1, y, width: 3, height: barHeight }));
  }
  if (gutter > 8) {
    group.append(
      svg(
        'text',
        { x: gutter - 6, y: y + barHeight - 2, 'text-anchor': 'end' },
        shorten(bar.label || bar.functionName, 32),
      ),
    );
  }
  return group;
}

function describe(bar) {
  const lines = [
    bar.count > 1 ? `${bar.count} activities: ${bar.label}` : bar.label,
    `${bar.functionName} · ${bar.status}`,
  ];
  lines.push(`scheduled at +${formatDuration(bar.scheduled)}`);
  if (bar.started !== null) lines.push(`started at +${formatDuration(bar.started)}`);
  if (bar.completed !== null) lines.push(`completed at +${formatDuration(bar.completed)}`);
  if (bar.failed > 0) lines.push(bar.failure ?? `${bar.failed} failed`);
  return lines.join('\n');
}

function timeAxis(span, scale, height) {
  const axis = svg('g', { class: 'axis' });
  const step = tickStep(span, 8);
  for (let ms = 0; ms <= span; ms += step) {
    const x = scale(ms);
    axis.append(
      svg('line', { x1: x, x2: x, y1: AXIS_HEIGHT - 6, y2: height }),
      svg('text', { x, y: AXIS_HEIGHT - 9, 'text-anchor': ms === 0 ? 'start' : 'middle' }, formatDuration(ms)),
    );
  }
  return axis;
}

function legend() {
  const items = [
    ['waiting', 'waiting for a worker'],
    ['completed', 'completed'],
    ['running', 'running'],
    ['failed', 'failed'],
  ];
  const group = svg('g', { class: 'legend' });
  items.forEach(([name, text], index) => {
    const x = 8 + index * 150;
    group.append(svg('rect', { class: name, x, y: 4, width: 10, height: 10 }), svg('text', { x: x + 14, y: 13 }, text));
  });
  return group;
}
