import { formatDuration, svg, tickStep } from './dom.js';

const HEIGHT = 170;
const TOP = 14;
const BOTTOM = 22;
const LEFT = 72;
const RIGHT = 90;

/** Draws files per second as bars and rows per second as a line, each against its own axis, per time bucket. */
export function renderThroughput(container, throughput) {
  const width = Math.max(640, container.clientWidth - 2);
  const buckets = throughput.buckets;
  const plotWidth = width - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(buckets.length, 1);
  const maxFiles = Math.max(...buckets.map((bucket) => bucket.filesPerSecond), 1e-9);
  const maxRows = Math.max(...buckets.map((bucket) => bucket.rowsPerSecond), 1e-9);
  const y = (value, max) => TOP + plotHeight - (value / max) * plotHeight;

  const chart = svg('svg', { width, height: HEIGHT, role: 'img', 'aria-label': 'Throughput' });
  const axis = svg(
    'g',
    { class: 'axis' },
    svg('line', { x1: LEFT, x2: LEFT + plotWidth, y1: TOP + plotHeight, y2: TOP + plotHeight }),
    svg('text', { x: LEFT - 6, y: TOP + 4, 'text-anchor': 'end' }, `${round(maxFiles)} files/s`),
  );
  if (throughput.rows > 0) {
    axis.append(svg('text', { x: width - 4, y: TOP + 4, 'text-anchor': 'end' }, `${round(maxRows)} rows/s`));
  }
  const step = tickStep(buckets.length * throughput.bucketMs, 8);
  for (let ms = 0; ms <= buckets.length * throughput.bucketMs; ms += step) {
    const x = LEFT + (ms / throughput.bucketMs) * slot;
    axis.append(svg('text', { x, y: HEIGHT - 6, 'text-anchor': 'middle' }, formatDuration(ms)));
  }
  chart.append(axis);

  buckets.forEach((bucket, index) => {
    const top = y(bucket.filesPerSecond, maxFiles);
    const label = `+${formatDuration(bucket.start)}: ${round(bucket.filesPerSecond)} files/s, ${round(bucket.rowsPerSecond)} rows/s`;
    chart.append(
      svg(
        'rect',
        {
          class: 'throughput-bar',
          x: LEFT + index * slot + 1,
          y: top,
          width: Math.max(1, slot - 2),
          height: TOP + plotHeight - top,
        },
        svg('title', {}, label),
      ),
    );
  });
  if (throughput.rows > 0) {
    const points = buckets.map((bucket, index) => `${LEFT + (index + 0.5) * slot},${y(bucket.rowsPerSecond, maxRows)}`);
    chart.append(svg('polyline', { class: 'rows-line', points: points.join(' ') }));
  }
  container.replaceChildren(chart);
}

function round(value) {
  return value >= 100 ? Math.round(value).toLocaleString() : String(Math.round(value * 10) / 10);
}
