// The cluster itself: its brokers up or down, each partition's copies (replicas, in-sync replicas,
// eligible leaders) and the controller quorum (KRaft). Everything from the "cluster" event, rendered
// as text (dom.js).
import { el, time, number, seconds } from './dom.js';

const box = document.getElementById('cluster');

/** A partition's copies in words, for its row in the topics view: " · leader 1 · replicas 1,2,3 · in sync 1,3 · ...". */
export function replicaText(p) {
  let text = p.leader === null ? ' · NO LEADER' : ` · leader ${p.leader}`;
  if (!p.replicas || p.replicas.length === 0) return text;
  text += ` · replicas ${p.replicas.join(',')} · in sync ${p.inSync.join(',') || 'none'}`;
  if (p.eligibleLeaders.length > 0) text += ` · eligible leaders (ELR) ${p.eligibleLeaders.join(',')}`;
  if (p.lastKnownEligible.length > 0) text += ` · last known eligible ${p.lastKnownEligible.join(',')}`;
  if (p.inSync.length < p.replicas.length) text += ' · under-replicated';
  return text;
}

export function drawCluster(cluster) {
  const c = cluster.cluster;
  if (!c) {
    box.replaceChildren(el('p', { class: 'empty' }, 'Nothing yet: no broker has answered.'));
    return;
  }
  const q = c.quorum;
  const single = c.brokers.length === 1 && q !== null && q.voters.length === 1 && q.voters[0].id === c.brokers[0].id;
  const down = c.brokers.filter(b => !b.up);
  box.replaceChildren(...[
    single ? el('p', { class: 'cluster-single' }, `One node, broker ${c.brokers[0].id}, is both the broker and the`
      + ' controller (local-kafka\'s default): each partition has one copy, so nothing is replicated and no other'
      + ' controller can take over. Run local-kafka --brokers 3 to watch replicas, in-sync replicas and a controller'
      + ' quorum (docs/replication.md).') : null,
    el('p', { class: 'cluster-summary', 'data-down': down.length },
      `${c.brokers.length - down.length} of ${c.brokers.length} broker(s) up`
        + (down.length ? `, DOWN: ${down.map(b => `broker ${b.id}`).join(', ')}` : '')
        + ` · ${number(c.partitions)} partition(s), ${number(c.underReplicated.length + c.internalUnderReplicated)}`
        + ` under-replicated${names(c.underReplicated, c.internalUnderReplicated, ': ')}`
        + ` · ${c.noLeader.length} without a leader${c.noLeader.length ? `: ${c.noLeader.join(', ')}` : ''}`),
    el('table', { class: 'brokers' },
      el('caption', {}, 'Brokers'),
      el('thead', {}, el('tr', {}, ...['broker', 'address', 'state', 'leads', 'replica of', 'not in sync on']
        .map(h => el('th', {}, h)))),
      el('tbody', {}, c.brokers.map(b => el('tr', { 'data-broker': b.id, 'data-state': b.up ? 'up' : 'down' },
        el('td', {}, b.id), el('td', {}, b.address ?? 'never seen'),
        el('td', { class: 'broker-state' }, b.up ? '✓ up' : `✗ DOWN since ${time(b.downSince)}`),
        el('td', {}, names(b.leads, b.internalLeads) || 'none'),
        el('td', {}, `${number(b.replicaCount)} partition(s)`),
        el('td', { class: 'out-of-sync' }, names(b.outOfSync, b.internalOutOfSync) || 'none'))))),
    quorum(q)].filter(node => node !== null));
}

function quorum(q) {
  if (q === null) {
    return el('p', { class: 'quorum-summary' }, 'The controller quorum is not known: Admin describeMetadataQuorum had no'
      + ' answer within 3 s, or this client may not describe the cluster.');
  }
  const row = (r, role) => el('tr', { 'data-node': r.id, 'data-role': role },
    el('td', {}, r.id), el('td', {}, role), el('td', {}, number(r.logEndOffset)), el('td', {}, number(r.lag)),
    el('td', {}, ago(r.lastFetchAgoMs)), el('td', {}, ago(r.lastCaughtUpAgoMs)));
  return el('div', { class: 'quorum' },
    el('h3', {}, 'Controller quorum (KRaft)'),
    el('p', { class: 'quorum-summary', 'data-leader': q.leaderId ?? 'none', 'data-epoch': q.leaderEpoch },
      q.leaderId === null ? `NO ACTIVE CONTROLLER (epoch ${q.leaderEpoch}): no majority of the voters elected a leader`
        : `active controller ${q.leaderId} · epoch ${q.leaderEpoch} · metadata log high watermark ${number(q.highWatermark)}`),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['node', 'role', 'log end offset', 'behind the leader', 'last fetch',
        'last caught up'].map(h => el('th', {}, h)))),
      el('tbody', {},
        q.voters.map(v => row(v, v.id === q.leaderId ? 'voter, active controller' : 'voter')),
        q.observers.map(o => row(o, 'observer (a broker)')))),
    q.changes.length === 0 ? null : el('ol', { class: 'quorum-changes', 'aria-label': 'elections seen' },
      q.changes.map(ch => el('li', {}, `${time(ch.time)}: active controller ${ch.fromLeader ?? 'none'} → `
        + `${ch.toLeader ?? 'none'}, epoch ${ch.fromEpoch} → ${ch.toEpoch}`))));
}

/** Partition names, and how many of Kafka's internal topics' partitions besides. */
function names(list, internal, prefix = '') {
  const parts = [...list];
  if (internal > 0) parts.push(`${internal} partition(s) of Kafka's internal topics`);
  return parts.length ? prefix + parts.join(', ') : '';
}

function ago(ms) {
  // A replica of the metadata log fetches from the leader several times a second while it runs.
  return ms === null || ms === undefined ? '–' : `${seconds(ms / 1000)} ago${ms > 5000 ? ' (not fetching)' : ''}`;
}
