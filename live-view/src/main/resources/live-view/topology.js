// Kafka Streams applications as the broker knows them (StreamsGroups.java): per streams group, its
// subtopologies in the order records flow (source topics -> subtopology -> repartition topic -> next
// subtopology), each with the changelog topics of its state beside it and its tasks under it: which
// member runs each task, and as what (active, standby, warm-up), in words. Everything from the
// "cluster" event, rendered as text (dom.js).
import { el } from './dom.js';

const box = document.getElementById('topologies');
let drawn = null; // what is drawn, to redraw only when it changes

export function drawTopologies(cluster) {
  const topologies = cluster.topologies ?? [];
  const signature = JSON.stringify(topologies);
  if (signature === drawn) return;
  drawn = signature;
  if (topologies.length === 0) {
    box.replaceChildren(el('p', { class: 'empty' }, 'No Kafka Streams application yet: start one, for example ',
      el('code', {}, './mvnw -q compile exec:java -pl stream-processing -Dexec.args="--engine streams --group-protocol streams"'),
      '.'));
    return;
  }
  box.replaceChildren(...topologies.map(t => t.protocol === 'streams' ? streamsGroup(t) : classicGroup(t)));
}

function streamsGroup(t) {
  return el('article', { class: 'topology', 'data-group': t.group, 'data-protocol': 'streams' },
    el('h3', {}, t.group),
    el('p', { class: 'topology-kind' }, `streams protocol · ${t.state}` + (t.epoch === null ? '' : ` · epoch ${t.epoch}`)
      + ` · ${t.memberCount} member(s)`),
    t.subtopologies.length === 0
      ? el('p', { class: 'empty' }, 'The broker has no topology for this group yet: its first member sends it when it joins.')
      : el('ol', { class: 'topology-graph', 'aria-label': `${t.group}: subtopologies in the order records flow` },
        t.subtopologies.map(s => subtopology(t, s))),
    members(t));
}

function subtopology(t, s) {
  const arrow = () => el('span', { class: 'topology-arrow', 'aria-hidden': 'true' }, '→');
  return el('li', { class: 'subtopology-row', 'data-subtopology': s.id },
    el('ul', { class: 'topology-topics', 'aria-label': `subtopology ${s.id} reads` },
      s.inputs.map(i => el('li', { class: 'topology-topic', 'data-kind': i.kind, 'data-topic': i.topic },
        `reads ${i.kind === 'source' ? 'topic' : 'repartition topic'} `, el('code', {}, i.topic), partitions(i),
        i.otherEnds.length ? ` (written by subtopology ${i.otherEnds.join(', ')})` : ''))),
    arrow(),
    el('div', { class: 'subtopology' },
      el('h4', {}, `subtopology ${s.id}`),
      el('div', { class: 'subtopology-body' },
        tasks(s),
        el('ul', { class: 'topology-changelogs', 'aria-label': `state of subtopology ${s.id}` },
          s.changelogs.length === 0
            ? el('li', { class: 'topology-none' }, 'no state store')
            : s.changelogs.map(c => el('li', { class: 'topology-topic', 'data-kind': 'changelog', 'data-topic': c.topic },
              'state kept in changelog topic ', el('code', {}, c.topic), partitions(c)))))),
    s.outputs.length === 0 ? el('span') : arrow(),
    s.outputs.length === 0 ? el('span') : el('ul', { class: 'topology-topics', 'aria-label': `subtopology ${s.id} writes` },
      s.outputs.map(o => el('li', { class: 'topology-topic', 'data-kind': o.kind, 'data-topic': o.topic },
        'writes repartition topic ', el('code', {}, o.topic), partitions(o),
        o.otherEnds.length ? ` → read by subtopology ${o.otherEnds.join(', ')}` : ''))));
}

function partitions(topic) {
  return topic.partitions === null ? '' : ` (${topic.partitions} partition${topic.partitions === 1 ? '' : 's'})`;
}

function tasks(s) {
  return el('ul', { class: 'tasks', 'aria-label': `tasks of subtopology ${s.id}` },
    s.tasks.length === 0 ? el('li', { class: 'topology-none' }, 'no task: its source topics have no partitions yet')
      : s.tasks.map(task => el('li', { class: 'task', 'data-task': task.id, 'data-active': task.active.join(', '),
        'data-standby': task.standby.join(', '), 'data-warmup': task.warmup.join(', ') },
      el('strong', {}, task.id), ' ',
      task.active.length ? `active on ${task.active.join(', ')}` : el('em', {}, 'no active member: not processed now'),
      task.standby.length ? ` · standby on ${task.standby.join(', ')}` : '',
      task.warmup.length ? ` · warm-up on ${task.warmup.join(', ')}` : '')));
}

function members(t) {
  return el('table', { class: 'topology-members' },
    el('caption', {}, 'Members, named by where they answer queries (application.server) or else by the start of'
      + ' their process id (one per instance)'),
    el('thead', {}, el('tr', {}, ...['member', 'tasks', 'client id', 'host', 'member id'].map(h => el('th', {}, h)))),
    el('tbody', {}, t.members.length === 0
      ? el('tr', {}, el('td', { colspan: 5 }, 'no member: the application is not running, its tasks wait'))
      : t.members.map(m => el('tr', { 'data-member': m.label },
        el('td', {}, m.label), el('td', {}, `${m.active} active, ${m.standby} standby, ${m.warmup} warm-up`),
        el('td', {}, m.clientId), el('td', {}, m.host), el('td', {}, m.memberId)))));
}

function classicGroup(t) {
  return el('article', { class: 'topology', 'data-group': t.group, 'data-protocol': 'classic' },
    el('h3', {}, t.group),
    el('p', { class: 'topology-kind' }, `classic protocol · ${t.state} · ${t.memberCount} member(s)`),
    el('p', { class: 'topology-classic' }, 'On the classic protocol the broker sees this Kafka Streams application as a'
      + ' consumer group: its topology and tasks travel in its members\' own data, which the broker does not read, so'
      + ' they cannot be drawn here. Ask the application itself: Level 2\'s stream-processing started with ',
    el('code', {}, '--serve PORT'), ' answers ', el('code', {}, 'http://localhost:PORT/topology'), ' with its ',
    el('code', {}, 'Topology.describe()'), '; run with ', el('code', {}, '--group-protocol streams'),
    ', it is drawn here.'));
}
