// Level 3's flow: order-producer -> orders -> payment-service -> payments / orders.DLT ->
// notification-service -> notifications, drawn from what the broker reports (see Level3Flow.java):
// readers are groups, writers are the producer ids the partition leaders list, named by their
// transactional id when they have one. Following an order asks /api/order for the records the live
// view saw with that key. Everything is rendered as text (dom.js).
import { el, time, number, setText, wrappable, keepArrows } from './dom.js';

const section = document.getElementById('flow-section');
const picture = document.getElementById('flow');
const recentBox = document.getElementById('recent-orders');
const form = document.getElementById('follow-form');
const input = document.getElementById('order-id');
const traceBox = document.getElementById('order-trace');
const transactionsBox = document.getElementById('transactions');
const skippedLine = document.getElementById('flow-skipped');

let followed = null;   // the order id being followed
let asking = false;

form.addEventListener('submit', event => {
  event.preventDefault();
  follow(input.value.trim());
});

/** Called with every "cluster" event, about once a second. */
export function drawFlow(cluster) {
  drawTransactions(cluster.transactions ?? [], cluster.time);
  const flow = cluster.flow;
  if (!flow || !flow.present) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  // One row per topic: who writes it -> the topic -> who reads it. A service is a reader on one row
  // and a writer on the next (payment-service reads orders, writes payments).
  picture.replaceChildren(...flow.topics.map(topic => el('li', { class: 'flow-row', 'data-flow-row': topic.role },
    el('div', { class: 'flow-column' }, el('h3', {}, `writes ${topic.name}`), writers(topic)),
    el('div', { class: 'flow-arrow', 'aria-hidden': 'true' }, '→'),
    el('div', { class: 'flow-column' }, topicBox(topic)),
    el('div', { class: 'flow-arrow', 'aria-hidden': 'true' }, '→'),
    el('div', { class: 'flow-column' }, el('h3', {}, `reads ${topic.name}`), readers(flow, topic.name)))));
  const ordersTopic = flow.topics.find(t => t.role === 'orders');
  skippedLine.hidden = !flow.skipped;
  setText(skippedLine, flow.skipped ? `⚠ ${flow.skipped}` : '');

  recentBox.replaceChildren(...(flow.recentOrders.length === 0
    ? [el('li', { class: 'empty' }, `no order seen on ${ordersTopic.name} yet`)]
    : flow.recentOrders.map(o => el('li', {}, orderButton(o.orderId), ` ${time(o.timestamp)} · `,
      el('span', { 'data-progress': o.orderId }, o.progress)))));
  if (followed) refresh();
}

function topicBox(topic) {
  if (!topic.exists) {
    return el('div', { class: 'flow-topic', 'data-flow-topic': topic.name, 'data-exists': 'false' },
      el('strong', {}, topic.name), el('span', {}, ` (${topic.role}): does not exist yet`));
  }
  const rate = topic.offsetsPerSecond === null ? 'measuring…' : `${topic.offsetsPerSecond.toFixed(1)} offsets/s`;
  return el('div', { class: 'flow-topic', 'data-flow-topic': topic.name, 'data-exists': 'true',
    'data-offsets': topic.offsets },
  el('strong', {}, topic.name), el('span', {}, ` (${topic.role})`),
  el('div', { class: 'flow-numbers' }, `${number(topic.offsets)} offset(s) · ${rate}`));
}

function writers(topic) {
  if (!topic.exists) return el('p', { class: 'empty' }, 'nobody: the topic does not exist yet');
  const items = topic.writers.map(w => el('li', { 'data-producer-id': w.producerId,
    'data-transactional-id': w.transactionalId },
  w.transactionalId === null
    ? `producer id ${w.producerId} (idempotent, no transactional id)`
    : `transactional id ${w.transactionalId} (producer id ${w.producerId}, epoch ${w.producerEpoch})`,
  ` · last write ${time(w.lastWrite)} · partition(s) ${w.partitions.join(', ')}`));
  return el('div', { class: 'flow-writers', 'data-writers-of': topic.name },
    items.length ? el('ul', {}, items) : el('p', { class: 'empty' }, 'no producer listed by the broker'));
}

function readers(flow, topic) {
  const groups = flow.readers.filter(r => r.topic === topic);
  if (groups.length === 0) return el('p', { class: 'empty' }, `no group reads ${topic}`);
  return el('ul', { class: 'flow-readers' }, groups.map(r => el('li', { 'data-flow-group': r.group, 'data-lag': r.lag },
    el('strong', {}, `group ${r.group}`), ` (${r.type}, ${r.state}) · lag ${number(r.lag)}`,
    el('div', {}, r.members.length ? `members: ${r.members.join(', ')}` : 'no member: nobody reads now'),
    r.writesAs.map(w => el('div', { class: 'flow-writes-as' }, keepArrows(`same name as transactional id ${w}`))))));
}

function orderButton(orderId) {
  const button = el('button', { type: 'button', class: 'order-link', 'data-order-id': orderId }, orderId);
  button.addEventListener('click', () => follow(orderId));
  return button;
}

// ---- Follow one order -----------------------------------------------------------------------

function follow(orderId) {
  if (!orderId) return;
  followed = orderId;
  input.value = orderId;
  refresh();
}

async function refresh() {
  if (asking) return;
  asking = true;
  try {
    const id = followed;
    const response = await fetch(`api/order?${new URLSearchParams({ id })}`);
    if (id !== followed) return;
    if (!response.ok) {
      traceBox.replaceChildren(el('p', { class: 'empty', 'data-order-missing': id }, await response.text()));
      return;
    }
    drawTrace(await response.json());
  } finally {
    asking = false;
  }
}

function drawTrace(trace) {
  const rows = trace.hops.map(h => el('tr', { 'data-role': h.role, 'data-topic': h.topic, 'data-partition': h.partition,
    'data-offset': h.offset, 'data-status': h.status },
  el('td', {}, h.role), el('td', {}, `${h.topic}-${h.partition}`), el('td', {}, String(h.offset)),
  el('td', {}, time(h.timestamp)), el('td', {}, h.afterOrderMs === null ? '–' : `+${number(h.afterOrderMs)} ms`),
  el('td', {}, statusText(h.status)),
  el('td', { class: 'hop-value' }, wrappable(h.value ?? '(null)'),
    h.headers.length ? el('div', { class: 'hop-headers' }, h.headers.map(x => `${x.key}: ${x.value ?? '(null)'}`).join('\n')) : null)));
  const summary = [];
  summary.push(trace.paymentAfterMs !== null
    ? `payment result committed +${number(trace.paymentAfterMs)} ms after the order`
    : trace.paymentNotRead !== null ? `payment result unknown: not among the records the live view read (${trace.paymentNotRead})`
      : 'no committed payment result yet');
  if (trace.lastNotificationAfterMs !== null) {
    summary.push(`last notification +${number(trace.lastNotificationAfterMs)} ms after the order (end to end)`);
  }
  traceBox.replaceChildren(
    el('h3', {}, `Order ${trace.orderId}`),
    el('p', { class: 'trace-summary' }, summary.join(' · ')),
    el('table', { class: 'trace' },
      el('caption', {}, 'Its records, as the broker gave them to the live view (times are the records\' timestamps)'),
      el('thead', {}, el('tr', {}, ...['record', 'partition', 'offset', 'time', 'after the order', 'status', 'value']
        .map(h => el('th', {}, h)))),
      el('tbody', {}, rows)));
}

function statusText(status) {
  return {
    committed: 'committed ✓',
    aborted: 'ABORTED ✗ (read_committed readers skip it)',
    pending: 'pending … (transaction open, or not read yet)',
    unknown: 'unknown (the live view skipped ahead)',
  }[status] ?? status;
}

// ---- Transactions ---------------------------------------------------------------------------

function drawTransactions(transactions, now) {
  if (transactions.length === 0) {
    transactionsBox.replaceChildren(el('p', { class: 'empty' }, 'No transactional id yet: payment-service and'
      + ' notification-service use one each (their --instance name).'));
    return;
  }
  transactionsBox.replaceChildren(el('table', { class: 'transactions' },
    el('thead', {}, el('tr', {}, ...['transactional id', 'state', 'producer id', 'epoch', 'open transaction',
      'timeout'].map(h => el('th', {}, h)))),
    el('tbody', {}, transactions.map(t => el('tr', { 'data-transactional-id': t.transactionalId, 'data-state': t.state,
      'data-epoch': t.producerEpoch },
    el('td', {}, t.transactionalId), el('td', {}, t.state), el('td', {}, String(t.producerId)),
    el('td', {}, String(t.producerEpoch)),
    el('td', {}, t.openSince === null ? 'none' : `open ${((now - t.openSince) / 1000).toFixed(1)} s on `
      + (t.partitions.join(', ') || 'no partition yet')),
    el('td', {}, `${number(t.timeoutMs)} ms`))))));
}
