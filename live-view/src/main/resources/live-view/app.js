// The live view's page: listens to /events (server-sent events) and draws what Kafka reports.
// "cluster" arrives about once a second (topics, offsets, groups, timeline); "records" brings the
// newest records of the partitions that changed. Nothing here talks to Kafka, and nothing from
// Kafka is ever rendered as HTML (see dom.js). One view is shown at a time, with the filter from
// the address (nav.js): everything is drawn, the filter decides which topics and groups.
import { el, keyColour, time, seconds, number, setText, oldestUnread, keepArrows } from './dom.js';
import { lagChart } from './chart.js';
import { drawFlow } from './flow.js';
import { drawShareGroups } from './shares.js';
import { drawCluster, replicaText } from './cluster.js';
import { drawTopologies } from './topology.js';
import { findingsBlock } from './findings.js';
import { drawClients } from './clients.js';
import { route, matches, onRouteChange, setDefaultView, setCount, setEmptyText, showView } from './nav.js';

const state = {
  cluster: null,
  records: new Map(),    // "topic/partition" -> { windowStart, cells }
  drawn: new Map(),      // "topic/partition" -> signature of what is drawn, to redraw only changes
  boxes: new Map(),      // topic name -> its <details> box
  rows: new Map(),       // "topic/partition" -> its row
  selected: null,        // { topic, partition, offset }
};

const statusLine = document.getElementById('broker-status');
const topicsBox = document.getElementById('topics');
const groupsBox = document.getElementById('groups');
const timelineBox = document.getElementById('timeline');
const showInternal = document.getElementById('show-internal');
showInternal.addEventListener('change', () => drawTopics());
onRouteChange(() => drawAll());
let clientsView = null;
onRouteChange(() => { if (clientsView) { drawClients(clientsView); showView(); } });

const events = new EventSource('events');
events.addEventListener('cluster', message => {
  state.cluster = JSON.parse(message.data);
  setDefaultView(state.cluster.flow?.present ? 'flow' : 'topics');
  drawAll();
});
events.addEventListener('records', message => {
  const changed = new Set();
  for (const partition of JSON.parse(message.data)) {
    const key = `${partition.topic}/${partition.partition}`;
    state.records.set(key, partition);
    changed.add(key);
  }
  drawTopics(changed);
});
events.addEventListener('clients', message => {
  clientsView = JSON.parse(message.data);
  drawClients(clientsView);
  showView();
});
events.addEventListener('error', () => {
  statusLine.dataset.state = 'down';
  statusLine.textContent = '⚠ The live view itself does not answer (stopped?). The page reconnects when it is back.';
});

function drawAll() {
  if (!state.cluster) return;
  const shown = filtered(state.cluster);
  drawStatus();
  drawTopics();
  drawGroups(shown);
  drawTimeline(shown);
  drawFlow(shown);
  drawShareGroups(shown);
  drawCluster(state.cluster);  // the whole cluster: brokers and the quorum are not filtered
  drawTopologies(shown);
  drawNoMatch(shown);
  showView();
}

/**
 * What the filter lets through: the topics and groups whose name contains its text, the groups that read
 * such a topic, the topics such a group reads, and the transactions and share groups of those. The
 * flow of Level 3 is not filtered: it is always the same four topics.
 */
function filtered(c) {
  if (!route.filter) return c;
  const groupsByName = c.groups.filter(g => matches(g.id));
  const topics = c.topics.filter(t => matches(t.name)
    || groupsByName.some(g => g.partitions.some(p => p.topic === t.name)));
  const topicNames = new Set(topics.map(t => t.name));
  const groups = c.groups.filter(g => matches(g.id) || g.partitions.some(p => topicNames.has(p.topic)));
  const groupIds = new Set(groups.map(g => g.id));
  return {
    ...c,
    topics,
    groups,
    timeline: c.timeline.filter(e => groupIds.has(e.group)),
    transactions: (c.transactions ?? []).filter(t => matches(t.transactionalId)
      || t.partitions.some(p => topicNames.has(p.replace(/-\d+$/, '')))),
    shareGroups: (c.shareGroups ?? []).filter(s => groupIds.has(s.group)),
    topologies: (c.topologies ?? []).filter(t => groupIds.has(t.group)),
  };
}

/** The filter's word for a view that it emptied, and each view's count in its link. */
function drawNoMatch(shown) {
  const c = state.cluster;
  const topics = t => showInternal.checked || !t.internal;
  setCount('topics', shown.topics.filter(topics).length, c.topics.filter(topics).length);
  setCount('groups', shown.groups.length, c.groups.length);
  setCount('transactions', shown.transactions?.length ?? 0, c.transactions?.length ?? 0);
  setCount('shares', shown.shareGroups?.length ?? 0, c.shareGroups?.length ?? 0);
  setCount('cluster', c.cluster?.brokers?.length ?? 0, c.cluster?.brokers?.length ?? 0);
  setCount('topology', shown.topologies?.length ?? 0, c.topologies?.length ?? 0);
  const transactionsBox = document.getElementById('transactions');
  if (route.filter && shown.transactions.length === 0 && c.transactions.length > 0) {
    transactionsBox.replaceChildren(noMatch('transactional id', c.transactions.length, 'transactions'));
  }
  const shares = (c.shareGroups ?? []).length;
  setEmptyText('shares', route.filter && shares > 0
    ? `No share group matches “${route.filter}” (${number(shares)} in all): clear the filter to see them.` : null);
}

/** "No topic matches “xyz” (5 in all): clear the filter to see them." The link is the view without the filter. */
function noMatch(what, total, view) {
  return el('p', { class: 'empty no-match' }, `No ${what} matches “${route.filter}” (${number(total)} in all): `,
    el('a', { href: `#${view}` }, 'clear the filter'), ' to see them.');
}

function drawStatus() {
  const c = state.cluster;
  if (c.brokerUp) {
    statusLine.dataset.state = 'up';
    const topics = c.topics.filter(t => !t.internal).length;
    statusLine.textContent = `✓ Connected to ${c.bootstrapServers}: ${topics} topic(s), ${c.groups.length} group(s).`
      + ` Updated ${time(c.time)}.`;
  } else {
    statusLine.dataset.state = 'down';
    const since = c.problemSince ? ` (since ${time(c.problemSince)})` : '';
    statusLine.textContent = `⚠ ${c.problem}${since}`;
  }
}

// ---- Topics and partitions ------------------------------------------------------------------

/** Draws every topic, or with {@code only} ("topic/partition" keys) just those partitions. */
function drawTopics(only = null) {
  const c = state.cluster;
  if (!c) return;
  const topics = filtered(c).topics.filter(t => showInternal.checked || !t.internal);
  if (only) {
    for (const topic of topics) {
      const box = state.boxes.get(topic.name);
      if (!box) continue;
      for (const partition of topic.partitions) {
        if (only.has(`${topic.name}/${partition.partition}`)) drawPartition(box, topic, partition);
      }
    }
    return;
  }
  const wanted = new Set(topics.map(t => t.name));
  for (const [name, box] of [...state.boxes]) {
    if (!wanted.has(name)) {
      box.remove();
      state.boxes.delete(name);
      for (const key of [...state.rows.keys()]) {
        if (key.startsWith(`${name}/`)) {
          state.rows.delete(key);
          state.drawn.delete(key);
        }
      }
    }
  }
  if (topics.length === 0) {
    const all = c.topics.filter(t => showInternal.checked || !t.internal).length;
    const said = all > 0 ? `no-match ${route.filter}` : 'none';
    if (topicsBox.dataset.empty !== said) {
      topicsBox.dataset.empty = said;
      topicsBox.replaceChildren(all > 0 ? noMatch('topic', all, 'topics')
        : el('p', { class: 'empty' }, 'No topic yet: run a producer, for example ',
          el('code', {}, './mvnw -q compile exec:java -pl basic-producer'), '.'));
    }
    return;
  }
  delete topicsBox.dataset.empty;
  topicsBox.querySelector('.empty')?.remove();
  let previous = null;
  for (const topic of topics) {
    let box = state.boxes.get(topic.name);
    if (!box) {
      box = el('details', { class: 'topic', 'data-topic': topic.name, open: '' },
        el('summary', {}, el('span', { class: 'topic-name' }, topic.name), el('span', { class: 'topic-summary' })));
      if (previous) previous.after(box); else topicsBox.prepend(box);
      state.boxes.set(topic.name, box);
    }
    previous = box;
    const records = topic.partitions.reduce((sum, p) => sum + (p.highWatermark - p.logStartOffset), 0);
    setText(box.querySelector('.topic-summary'), ` · ${topic.partitions.length} partition(s) · ${number(records)}`
      + ` offset(s) in the log${topic.internal ? ' · internal' : ''}`);
    const said = box.querySelector(':scope > .findings, :scope > summary > .findings');
    const findings = findingsBlock(topic.findings, said, { kind: 'topic', internal: topic.internal });
    if (findings !== said) {
      said?.remove();
      const summary = box.querySelector(':scope > summary');
      if (findings.dataset.inline) summary.append(findings); else summary.after(findings);
    }
    for (const partition of topic.partitions) {
      drawPartition(box, topic, partition);
    }
  }
}

function drawPartition(box, topic, p) {
  const key = `${topic.name}/${p.partition}`;
  let row = state.rows.get(key);
  if (!row) {
    row = el('div', { class: 'partition', 'data-topic': topic.name, 'data-partition': p.partition },
      el('div', { class: 'partition-label' }, el('strong', {}, `partition ${p.partition}`), el('span', { class: 'offsets' })),
      el('div', { class: 'log', role: 'list', 'aria-label': `${topic.name} partition ${p.partition}` }),
      el('ul', { class: 'readers' }));
    box.append(row);
    state.rows.set(key, row);
  }
  setText(row.querySelector('.offsets'), ` log start ${number(p.logStartOffset)} · last stable offset`
    + ` ${number(p.lastStableOffset)} · high watermark ${number(p.highWatermark)}`
    + replicaText(p));
  if (row.dataset.logStart !== String(p.logStartOffset)) row.dataset.logStart = p.logStartOffset;
  if (row.dataset.highWatermark !== String(p.highWatermark)) row.dataset.highWatermark = p.highWatermark;
  if (row.dataset.lastStable !== String(p.lastStableOffset)) row.dataset.lastStable = p.lastStableOffset;

  const readers = groupsReading(topic.name, p.partition);
  const records = state.records.get(key);
  const signature = JSON.stringify([records?.cells, readers, p.highWatermark, p.logStartOffset, state.cluster.brokerUp,
    state.selected && `${state.selected.topic}/${state.selected.partition}/${state.selected.offset}`]);
  if (state.drawn.get(key) === signature) return;
  state.drawn.set(key, signature);

  const log = row.querySelector('.log');
  const cells = [];
  if (!topic.recordsRead) {
    cells.push(el('span', { class: 'older' }, 'records of internal topics are not read'));
  } else if (!records || records.cells.length === 0) {
    // No record sent: none read yet, or none can be (the live view reads only while a broker answers).
    cells.push(el('span', { class: 'older' }, p.highWatermark <= p.logStartOffset ? 'empty'
      : `${number(p.highWatermark - p.logStartOffset)} record(s)`
        + (state.cluster.brokerUp ? ', reading…' : ', not read: the broker is not reachable')));
  } else {
    const first = records.cells[0].offset;
    if (first > p.logStartOffset) {
      cells.push(el('span', { class: 'older' }, `… ${number(first - p.logStartOffset)} older offset(s)`));
    }
    for (const reader of readers.filter(r => r.committed !== null && r.committed < first)) {
      cells.push(commitMark(reader, `▼ ${reader.group} at ${reader.committed} (older)`));
    }
    for (const cell of records.cells) {
      for (const reader of readers.filter(r => r.committed === cell.offset)) {
        cells.push(commitMark(reader, `▼ ${reader.group}`));
      }
      cells.push(cellButton(topic.name, p.partition, cell));
    }
    const last = records.cells[records.cells.length - 1].offset;
    for (const reader of readers.filter(r => r.committed !== null && r.committed > last)) {
      cells.push(commitMark(reader, `▼ ${reader.group}${reader.committed >= p.highWatermark ? ' (at the end)' : ''}`));
    }
  }
  log.replaceChildren(...cells);
  row.querySelector('.readers').replaceChildren(...readers.map(r => el('li', { 'data-group': r.group },
    `${r.group} (${r.type}): `,
    r.committed === null ? 'nothing committed yet' : `next offset ${number(r.committed)}, lag ${number(r.lag)}`
      + (r.lag > 0 ? ` (${oldestUnread(r.lagSeconds)})` : ''),
    r.owner ? ` · read by ${r.owner}` : ' · no member owns it now')));
}

function commitMark(reader, text) {
  return el('span', { class: 'commit-mark', 'data-group': reader.group, title: `${reader.group} will read offset`
    + ` ${reader.committed} next` }, text);
}

function cellButton(topic, partition, cell) {
  const selected = state.selected && state.selected.topic === topic && state.selected.partition === partition
    && state.selected.offset === cell.offset;
  if (cell.kind === 'marker') {
    const letter = { commit: 'C', abort: 'A' }[cell.marker] ?? '?';
    return el('button', { class: 'cell', type: 'button', 'data-kind': 'marker', 'data-marker': cell.marker,
      'data-offset': cell.offset, 'aria-pressed': selected, title: `offset ${cell.offset}: ${cell.marker} marker` },
    letter);
  }
  const label = cell.key === null ? '(no key)' : cell.key.length > 10 ? `${cell.key.slice(0, 9)}…` : cell.key;
  const prefix = { aborted: '✗ ', pending: '… ' }[cell.status] ?? '';
  const button = el('button', { class: 'cell', type: 'button', 'data-kind': 'record', 'data-status': cell.status,
    'data-offset': cell.offset, 'data-key': cell.key, 'aria-pressed': selected,
    title: `offset ${cell.offset}, key ${cell.key ?? '(none)'}, ${cell.status}` }, prefix + label);
  button.style.backgroundColor = keyColour(cell.key);
  button.addEventListener('click', () => showRecord(topic, partition, cell));
  return button;
}

/** The groups that read this partition, with their committed offset, lag and owner. */
function groupsReading(topic, partition) {
  const readers = [];
  for (const group of state.cluster.groups) {
    for (const p of group.partitions) {
      if (p.topic === topic && p.partition === partition) {
        readers.push({ group: group.id, type: group.type, committed: p.committed, lag: p.lag,
          lagSeconds: p.lagSeconds, owner: p.ownerClientId });
      }
    }
  }
  return readers;
}

// ---- One record -----------------------------------------------------------------------------

const details = document.getElementById('record-details');
const valueBox = document.getElementById('record-value');
const hint = document.getElementById('record-hint');

topicsBox.addEventListener('click', event => {
  const marker = event.target.closest('[data-kind="marker"]');
  if (!marker) return;
  const row = marker.closest('.partition');
  state.selected = { topic: row.dataset.topic, partition: Number(row.dataset.partition), offset: Number(marker.dataset.offset) };
  hint.textContent = '';
  details.replaceChildren(...pairs([
    ['topic', row.dataset.topic], ['partition', row.dataset.partition], ['offset', marker.dataset.offset],
    ['what', `a transaction marker (${marker.dataset.marker === 'unknown' ? 'commit or abort' : marker.dataset.marker})`],
  ]));
  valueBox.textContent = 'Kafka writes a marker (a control record) on each partition of a transaction when it'
    + ' commits or aborts. It takes an offset, but no consumer ever returns it: that is the gap between'
    + ' offsets you see after each transaction. A read_committed consumer uses the markers to know which'
    + ' records to skip (aborted) and where the last stable offset is. Whether this one commits or aborts is'
    + ' inferred from the records before it.';
  drawTopics();
});

async function showRecord(topic, partition, cell) {
  state.selected = { topic, partition, offset: cell.offset };
  drawTopics();
  hint.textContent = '';
  const query = new URLSearchParams({ topic, partition, offset: cell.offset });
  const response = await fetch(`api/record?${query}`);
  if (!response.ok) {
    details.replaceChildren(...pairs([['topic', topic], ['partition', partition], ['offset', cell.offset]]));
    valueBox.textContent = await response.text();
    return;
  }
  const r = await response.json();
  const status = {
    visible: 'visible to every reader (committed, or not in a transaction)',
    aborted: 'ABORTED: in the log, read by read_uncommitted consumers only; read_committed consumers skip it',
    pending: 'PENDING: its transaction is still open; read_committed consumers wait at the last stable offset',
    unknown: 'not known (read before the live view started)',
  }[r.status];
  details.replaceChildren(...pairs([
    ['topic', r.topic], ['partition', r.partition], ['offset', r.offset],
    ['timestamp', `${new Date(r.timestamp).toISOString()} (${r.timestamp})`],
    ['key', r.key === null ? '(none)' : `${r.key} (${r.keyFormat})`],
    ['status', status],
    ['headers', r.headers.length === 0 ? '(none)' : r.headers.map(h => `${h.key}: ${h.value ?? '(null)'}`).join('\n')],
    ['value', `${r.valueFormat}, ${number(r.valueSize)} byte(s)${r.valueCut ? ', first 4,096 shown' : ''}`],
  ]));
  valueBox.textContent = r.value;
}

function pairs(entries) {
  return entries.flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-field': name }, String(value))]);
}

// ---- Groups ---------------------------------------------------------------------------------

function drawGroups(shown) {
  const groups = shown.groups;
  if (groups.length === 0) {
    const all = state.cluster.groups.length;
    groupsBox.replaceChildren(all > 0 ? noMatch('group', all, 'groups')
      : el('p', { class: 'empty' }, 'No group yet: start a consumer, for example ',
        el('code', {}, './mvnw -q compile exec:java -pl basic-consumer'), '.'));
    return;
  }
  groupsBox.querySelector('.empty')?.remove();
  const wanted = new Set(groups.map(g => g.id));
  for (const box of [...groupsBox.children]) {
    if (!wanted.has(box.dataset.group)) box.remove();
  }
  for (const group of groups) {
    let box = groupsBox.querySelector(`:scope > [data-group="${CSS.escape(group.id)}"]`);
    if (!box) {
      box = el('article', { class: 'group', 'data-group': group.id });
      groupsBox.append(box);
    }
    box.dataset.type = group.type;
    box.dataset.totalLag = group.totalLag;
    box.dataset.members = group.members.length;
    const kind = {
      classic: 'consumer group, classic protocol',
      consumer: 'consumer group, consumer protocol (KIP-848)',
      share: 'share group (queues for Kafka)',
      streams: 'Kafka Streams application, streams protocol',
    }[group.type];
    const lag = `lag ${number(group.totalLag)} record(s)`
      + (group.totalLag > 0 ? `, ${oldestUnread(group.maxLagSeconds)}` : '');
    const findings = findingsBlock(group.findings, box.querySelector(':scope > .findings'), { kind: 'group' });
    box.replaceChildren(
      el('h3', {}, group.id),
      el('p', { class: 'group-kind' }, `${kind} · ${group.state}`
        + (group.epoch === null ? '' : ` · epoch ${group.epoch}`) + ` · ${group.members.length} member(s)`),
      el('p', { class: 'lag-summary', 'data-total-lag': group.totalLag }, lag),
      findings,
      lagChart(group.lagHistory),
      el('table', { class: 'members' },
        el('caption', {}, 'Members'),
        el('thead', {}, el('tr', {}, el('th', {}, 'client id'), el('th', {}, 'member id'), el('th', {}, 'host'),
          el('th', {}, 'partitions'))),
        el('tbody', {}, group.members.length === 0
          ? el('tr', {}, el('td', { colspan: 4 }, 'no member: nobody reads now'))
          : group.members.map(m => el('tr', { 'data-client-id': m.clientId },
            el('td', {}, m.clientId + (m.instanceId ? ` (static: ${m.instanceId})` : '')), el('td', {}, m.memberId),
            el('td', {}, m.host), el('td', { class: 'member-partitions' }, m.partitions.join(', ') || 'none'))))),
      el('table', { class: 'lag' },
        el('caption', {}, 'Partitions'),
        el('thead', {}, el('tr', {}, el('th', {}, 'partition'), el('th', {}, 'committed'), el('th', {}, 'end'),
          el('th', {}, 'lag'), el('th', {}, 'oldest unread'), el('th', {}, 'read by'))),
        el('tbody', {}, group.partitions.map(p => el('tr', { 'data-partition': `${p.topic}-${p.partition}`,
          'data-lag': p.lag ?? '' },
          el('td', {}, `${p.topic}-${p.partition}`), el('td', {}, number(p.committed)), el('td', {}, number(p.end)),
          el('td', { class: 'lag-records' }, number(p.lag)),
          el('td', {}, p.lag === null ? '–' : p.lag === 0 ? 'none' : p.lagSeconds === null ? 'unknown'
            : `${seconds(p.lagSeconds)} old`),
          el('td', { class: 'owner' }, p.ownerClientId ?? 'nobody'))))));
  }
}

function drawTimeline(shown) {
  const items = shown.timeline.slice(0, 60).map(e => el('li', { 'data-group': e.group },
    el('time', {}, time(e.time)), ' ', el('strong', {}, e.group), ': ', keepArrows(e.text)));
  timelineBox.replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'nothing yet')]));
}
