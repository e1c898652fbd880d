// A group's total lag over the last minutes, as a small SVG line with its scale written out:
// readable without colour, one chart per group.
import { svg, el, number } from './dom.js';

const WIDTH = 320;
const HEIGHT = 70;
const LEFT = 50;

/** history: [[epochMillis, totalLag], ...], oldest first, about one point a second. */
export function lagChart(history) {
  if (!history || history.length < 2) {
    return el('p', { class: 'chart-empty' }, 'lag over time: collecting…');
  }
  const start = history[0][0];
  const end = history[history.length - 1][0];
  const max = Math.max(1, ...history.map(point => point[1]));
  const x = t => LEFT + (end === start ? 0 : ((t - start) / (end - start)) * (WIDTH - LEFT - 4));
  const y = lag => 6 + (1 - lag / max) * (HEIGHT - 24);
  const points = history.map(([t, lag]) => `${x(t).toFixed(1)},${y(lag).toFixed(1)}`).join(' ');
  const minutes = Math.max(1, Math.round((end - start) / 60000));
  const span = end - start < 90000 ? `${Math.round((end - start) / 1000)} s ago` : `${minutes} min ago`;
  return svg('svg', { class: 'lag-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'aria-label': `lag over the last ${span.replace(' ago', '')}: now ${history[history.length - 1][1]}, highest ${max}` },
  svg('line', { x1: LEFT, y1: y(0), x2: WIDTH - 4, y2: y(0), class: 'axis' }),
  svg('line', { x1: LEFT, y1: y(max), x2: LEFT, y2: y(0), class: 'axis' }),
  svg('text', { x: LEFT - 4, y: y(max) + 4, 'text-anchor': 'end' }, number(max)),
  svg('text', { x: LEFT - 4, y: y(0) + 4, 'text-anchor': 'end' }, '0'),
  svg('text', { x: LEFT, y: HEIGHT - 2 }, span),
  svg('text', { x: WIDTH - 4, y: HEIGHT - 2, 'text-anchor': 'end' }, 'now'),
  svg('polyline', { points, class: 'lag-line' }));
}
