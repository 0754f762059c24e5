/* global document */
/**
 * DOM helpers for the dashboard. Values become text nodes and attribute values, never markup, so names from
 * user input (file names, instance ids, failure messages) show as typed.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an HTML element with attributes and children (nodes, or values shown as text). */
export function html(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** Creates an SVG element with attributes and children (nodes, or values shown as text). */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Formats milliseconds as `850 ms`, `12.3 s` or `4 min 05 s`. */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** Formats an ISO time as the local time of day, with the date when it is not today. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '–';
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

/** Returns a round tick step (1, 2 or 5 times a power of ten) that splits `span` into about `count` parts. */
export function tickStep(span, count) {
  const rough = Math.max(span / count, 1e-9);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10;
  return step * power;
}

/** Shortens text to `max` characters for an SVG label; the full text goes in the element's title. */
export function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
