// A value over the last minutes (a group's total lag, a client's metric), as a small SVG line with its
// scale written out: readable without colour.
import { svg, el, number } from './dom.js';

const WIDTH = 320;
const HEIGHT = 70;
const LEFT = 50;
const SCALE = new Intl.NumberFormat('en', { maximumSignificantDigits: 3, notation: 'compact' });

/** history: [[epochMillis, totalLag], ...], oldest first, about one point a second. */
export function lagChart(history) {
  return lineChart(history, 'lag', 'lag-chart', value => number(value));
}

/**
 * A client's metric over time, smaller: history [[epochMillis, value], ...], oldest first; {@code what}
 * names it in the chart's description, {@code format} writes a value on its scale.
 */
export function valueChart(history, what, format) {
  return lineChart(history, what, 'value-chart', format);
}

function lineChart(history, what, kind, format) {
  if (!history || history.length < 2) {
    return el('p', { class: 'chart-empty' }, `${what} over time: collecting…`);
  }
  const start = history[0][0];
  const end = history[history.length - 1][0];
  const highest = Math.max(...history.map(point => point[1]));
  const max = kind === 'lag-chart' ? Math.max(1, highest) : highest > 0 ? highest : 1; // all zero: a scale of 1
  const x = t => LEFT + (end === start ? 0 : ((t - start) / (end - start)) * (WIDTH - LEFT - 4));
  const y = value => 6 + (1 - value / max) * (HEIGHT - 24);
  const points = history.map(([t, value]) => `${x(t).toFixed(1)},${y(Math.max(0, value)).toFixed(1)}`).join(' ');
  const minutes = Math.max(1, Math.round((end - start) / 60000));
  const span = end - start < 90000 ? `${Math.round((end - start) / 1000)} s ago` : `${minutes} min ago`;
  // The scale's top in a few characters: a client's value with its unit is in the tile beside the chart.
  const top = kind === 'lag-chart' ? number(max) : SCALE.format(max);
  return svg('svg', { class: kind, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'aria-label': `${what} over the last ${span.replace(' ago', '')}: now ${format(history[history.length - 1][1])},`
      + ` highest ${format(max)}` },
  svg('line', { x1: LEFT, y1: y(0), x2: WIDTH - 4, y2: y(0), class: 'axis' }),
  svg('line', { x1: LEFT, y1: y(max), x2: LEFT, y2: y(0), class: 'axis' }),
  svg('text', { x: LEFT - 4, y: y(max) + 4, 'text-anchor': 'end' }, top),
  svg('text', { x: LEFT - 4, y: y(0) + 4, 'text-anchor': 'end' }, '0'),
  svg('text', { x: LEFT, y: HEIGHT - 2 }, span),
  svg('text', { x: WIDTH - 4, y: HEIGHT - 2, 'text-anchor': 'end' }, 'now'),
  svg('polyline', { points, class: 'lag-line' }));
}
