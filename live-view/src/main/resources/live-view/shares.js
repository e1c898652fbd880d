// Share groups as a mechanism (KIP-932): members on the same partition, the start offset moving as
// records are done, and the dead-letter topic with the delivery count at which each record was given
// up. Everything from the "cluster" event, rendered as text (dom.js).
import { el, time, number, wrappable } from './dom.js';

const section = document.getElementById('share-section');
const box = document.getElementById('share-groups');

export function drawShareGroups(cluster) {
  const shares = cluster.shareGroups ?? [];
  section.hidden = shares.length === 0;
  box.replaceChildren(...shares.map(s => {
    const group = cluster.groups.find(g => g.id === s.group);
    const members = group ? group.members : [];
    const partitions = group ? group.partitions : [];
    return el('article', { class: 'share-group', 'data-share-group': s.group },
      el('h3', {}, s.group),
      el('p', {}, `delivery limit ${s.deliveryLimit ?? '?'} · lock ${s.lockMs === null ? '?' : `${number(Number(s.lockMs))} ms`}`
        + ` · a new group starts at the ${s.autoOffsetReset ?? '?'} · dead letters to ${s.deadLetterTopic || 'nowhere (archived)'}`),
      el('table', { class: 'share-partitions' },
        el('caption', {}, `${members.length} member(s), all on the same partitions`),
        el('thead', {}, el('tr', {}, ...['partition', 'members', 'start offset', 'end', 'not yet done'].map(h => el('th', {}, h)))),
        el('tbody', {}, partitions.map(p => {
          const on = members.filter(m => m.partitions.includes(`${p.topic}-${p.partition}`));
          return el('tr', { 'data-partition': `${p.topic}-${p.partition}`, 'data-members': on.length },
            el('td', {}, `${p.topic}-${p.partition}`), el('td', {}, on.map(m => m.name).join(', ') || 'none'),
            el('td', {}, number(p.committed)), el('td', {}, number(p.end)), el('td', {}, number(p.lag)));
        }))),
      s.deadLetterTopic ? el('table', { class: 'dead-letters' },
        el('caption', {}, `${s.deadLetterTopic}: ${number(s.deadLetterCount)} record(s), the newest:`),
        el('thead', {}, el('tr', {}, ...['offset', 'time', 'key', 'value', 'deliveries', 'from', 'why']
          .map(h => el('th', {}, h)))),
        el('tbody', {}, s.deadLetters.length === 0
          ? el('tr', {}, el('td', { colspan: 7 }, 'none yet'))
          : s.deadLetters.map(d => el('tr', { 'data-key': d.key, 'data-delivery-count': d.deliveryCount },
            el('td', {}, `${d.partition}@${d.offset}`), el('td', {}, time(d.timestamp)), el('td', {}, d.key ?? '(none)'),
            el('td', { class: 'dead-letter-value' }, wrappable(d.value ?? '(null)')), el('td', {}, d.deliveryCount ?? '?'), el('td', {}, d.source ?? '?'),
            el('td', {}, d.reason ?? '?'))))) : null);
  }));
}
