// Every client's own metrics, as it pushed them to the broker (KIP-714): a panel per client instance
// with its latest values and a small chart of each, and for a consumer, the lag it reports next to the
// lag the broker computes. From the "clients" event (ClientPanels.java), rendered as text (dom.js).
import { el, time, number, setText } from './dom.js';
import { valueChart } from './chart.js';
import { matches, route, setCount, setEmptyText } from './nav.js';

const section = document.getElementById('clients-section');
const box = document.getElementById('clients');
const drawn = new Map(); // instance id -> signature of what its panel shows

const DECIMALS = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const SMALL = new Intl.NumberFormat('en', { maximumSignificantDigits: 2 });

function decimal(value) {
  if (value === null || value === undefined) return 'none yet';
  return Math.abs(value) > 0 && Math.abs(value) < 0.01 ? SMALL.format(value) : DECIMALS.format(value);
}

/**
 * Kafka's metrics (without "org.apache.kafka.") in words, by family: a family's parts are its average
 * (.avg), highest (.max) and total (.total) when it has them. [words, unit, how a value is written].
 */
const FAMILIES = {
  'producer.record.send.rate': ['records sent', '/s'],
  'producer.record.error.rate': ['records that failed', '/s'],
  'producer.batch.size': ['batch size', 'bytes'],
  'producer.compression.rate': ['compressed ÷ original size (1: not compressed)', ''],
  'producer.request.latency': ['request latency (send to answer)', 'ms'],
  'consumer.fetch.manager.records.lag': ['lag, as its fetches saw it', 'records'],
  'consumer.fetch.manager.fetch.latency': ['fetch latency', 'ms'],
  'consumer.coordinator.commit.latency': ['commit latency', 'ms'],
  'consumer.coordinator.rebalance.latency': ['rebalance time', 'ms'],
  'consumer.coordinator.rebalance': ['rebalances', ''],
  'consumer.poll.idle.ratio': ['time spent waiting in poll()', '%'],
  'stream.alive.stream.threads': ['stream threads alive', ''],
  'stream.failed.stream.threads': ['stream threads failed', ''],
  'stream.client.state': ['Kafka Streams state (number)', ''],
  'stream.thread.thread.state': ['stream thread state (number)', ''],
  'stream.thread.process.rate': ['records processed', '/s'],
  'stream.thread.process.latency': ['process latency', 'ms'],
  'stream.thread.commit.latency': ['commit latency', 'ms'],
};
const PARTS = { avg: 'average', max: 'highest', total: 'in all', '': '' };

function withUnit(value, unit) {
  if (value === null || value === undefined) return 'none yet';
  if (unit === '%') return `${decimal(value * 100)} %`;
  if (unit === '/s') return `${decimal(value)}/s`;
  return unit ? `${decimal(value)} ${unit}` : decimal(value);
}

/** The metrics as tiles: one per family, its parts in one line, a chart of its first part. */
function families(metrics) {
  const byFamily = new Map();
  for (const metric of metrics) {
    const short = metric.name.replace(/^org\.apache\.kafka\./, '');
    const match = short.match(/^(.*)\.(avg|max|total)$/);
    const family = match && FAMILIES[match[1]] ? match[1] : FAMILIES[short] ? short : match ? match[1] : short;
    const part = family === short ? '' : short.slice(family.length + 1);
    if (!byFamily.has(family)) byFamily.set(family, []);
    byFamily.get(family).push({ ...metric, part });
  }
  const order = ['avg', '', 'max', 'total'];
  return [...byFamily].map(([family, parts]) => {
    parts.sort((a, b) => order.indexOf(a.part) - order.indexOf(b.part));
    const [words, unit] = FAMILIES[family] ?? [family, ''];
    return { family, words, unit, parts };
  });
}

function tile(client, family) {
  const charted = family.parts.find(p => p.history.length > 0) ?? family.parts[0];
  const what = `${family.words}${charted.part ? `, ${PARTS[charted.part] ?? charted.part}` : ''}`;
  return el('li', { class: 'client-metric', 'data-family': family.family },
    el('span', { class: 'metric-name', title: family.parts.map(p => p.name).join(', ') }, family.words),
    el('span', { class: 'metric-values' }, family.parts.map((p, i) => el('span', { class: 'metric-value', 'data-metric': p.name,
      'data-value': p.value ?? '' }, (i ? ' · ' : '') + (p.value === null && p.part && PARTS[p.part]
      ? `no ${PARTS[p.part]} yet` : withUnit(p.value, family.unit) + (p.part && PARTS[p.part] ? ` ${PARTS[p.part]}` : ''))))),
    valueChart(charted.history, what, value => withUnit(value, family.unit)));
}

function lagTable(client) {
  if (client.lag.length === 0) return null;
  return el('div', { class: 'client-lag' },
    el('table', {},
      el('caption', {}, 'Lag per partition: as the consumer reports it, and as the broker computes it for its group'),
      el('thead', {}, el('tr', {}, ['partition', 'reported by the consumer', 'group', 'committed', 'end', 'lag by the broker']
        .map(h => el('th', {}, h)))),
      el('tbody', {}, client.lag.map(l => el('tr', { 'data-partition': `${l.topic}-${l.partition}`,
        'data-reported': l.reported ?? '', 'data-broker-lag': l.brokerLag ?? '' },
      el('td', {}, `${l.topic}-${l.partition}`), el('td', { class: 'lag-reported' }, l.reported === null ? 'none yet' : number(l.reported)),
      el('td', {}, l.group ?? '–'), el('td', {}, number(l.committed)), el('td', {}, number(l.end)),
      el('td', { class: 'lag-broker' }, l.brokerLag === null ? '–' : number(l.brokerLag)))))),
    el('p', { class: 'help lag-why' }, 'Why they differ: the consumer\'s figure is the largest lag its fetches saw,'
      + ` as of its last fetch and its last push (up to ${client.pushIntervalMs / 1000} s old), counted from the records`
      + ' it has fetched; the broker\'s is the end of the log minus the group\'s committed offset, a second old:'
      + ' records fetched but not yet committed count for the broker, not for the consumer.'));
}

function panel(client) {
  const gone = client.state === 'gone';
  const state = gone ? (client.goneBecause === 'closed'
    ? `GONE: closed at ${time(client.lastPushMs)} (its last push said it was closing)`
    : `GONE: silent since ${time(client.lastPushMs)} (no push for 3 intervals: stopped, killed or cut off)`)
    : `alive: last push ${time(client.lastPushMs)}`;
  const about = [`program ${client.program}`, client.software, `first push ${time(client.firstPushMs)}`,
    `pushes every ${decimal(client.pushIntervalMs / 1000)} s`,
    client.principal && client.address ? `${client.principal} from ${client.address}` : null,
    client.groups.length ? `member of ${client.groups.join(', ')}` : null].filter(Boolean).join(' · ');
  return el('article', { class: 'client', 'data-client-id': client.clientId, 'data-instance-id': client.instanceId,
    'data-state': client.state, 'data-gone-because': client.goneBecause },
  el('h3', {}, el('span', { class: 'client-id' }, client.clientId || '(no client id)'), ' ',
    el('span', { class: 'client-state' }, gone ? '✗ ' + state : '● ' + state)),
  el('p', { class: 'client-about' }, about, el('span', { class: 'instance-id' }, ` · instance ${client.instanceId}`)),
  client.metrics.length === 0 ? el('p', { class: 'empty' }, 'no metric pushed yet')
    : el('ul', { class: 'client-metrics' }, families(client.metrics).map(f => tile(client, f))),
  lagTable(client));
}

/** Draws the panels; a panel is redrawn only when what it shows changed. */
export function drawClients(view) {
  const shown = view.clients.filter(c => matches(c.clientId) || c.groups.some(g => matches(g))
    || c.lag.some(l => matches(l.topic)));
  setCount('clients', shown.length, view.clients.length);
  section.hidden = shown.length === 0;
  setEmptyText('clients', !view.topicFound
    ? 'This broker has no topic _franz-client-metrics: the clients\' own metrics arrive only on the brokers Franz'
      + ' starts (local-kafka, bin/demo), which receive them (docs/observability.md).'
    : view.clients.length > 0 && route.filter
      ? `No client matches “${route.filter}” (${number(view.clients.length)} in all): clear the filter to see them.`
      : null);
  const wanted = new Set(shown.map(c => c.instanceId));
  for (const article of [...box.children]) {
    if (!wanted.has(article.dataset.instanceId)) {
      drawn.delete(article.dataset.instanceId);
      article.remove();
    }
  }
  let previous = null;
  for (const client of shown) {
    const signature = JSON.stringify(client);
    let article = box.querySelector(`:scope > [data-instance-id="${CSS.escape(client.instanceId)}"]`);
    if (!article || drawn.get(client.instanceId) !== signature) {
      const fresh = panel(client);
      if (article) article.replaceWith(fresh); else if (previous) previous.after(fresh); else box.prepend(fresh);
      article = fresh;
      drawn.set(client.instanceId, signature);
    }
    if (previous && previous.nextElementSibling !== article) previous.after(article);
    previous = article;
  }
  setText(document.getElementById('clients-skipped'), view.skipped > 0
    ? `${number(view.skipped)} record(s) of _franz-client-metrics could not be read and were skipped.` : '');
}
