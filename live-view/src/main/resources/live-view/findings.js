// The doctor's findings on a group's or a topic's panel: the same look and reasoning as bin/run doctor
// (the server's PageDoctor), drawn as text only (dom.js's el, never markup). A problem and an
// explanation differ by a symbol and a word, not by colour alone.
import { el, time } from './dom.js';

const drawnFrom = new WeakMap(); // block -> the findings it was drawn from (as JSON), to redraw only changes

/**
 * The findings block of a panel (class "findings"), one finding per line (data-code="CODE"), its evidence,
 * cause, fixes and commands folded in a <details>. {@code previous}: the block drawn before, kept when the
 * findings did not change; a finding's <details> left open stays open when they do. A topic with nothing
 * found gets a short block (data-inline) for the end of its summary line, the doctor's words in its title.
 */
export function findingsBlock(findings, previous, { kind, internal = false }) {
  const signature = JSON.stringify(findings ?? null);
  if (previous && drawnFrom.get(previous) === signature) return previous;
  if (kind === 'topic' && (!findings || findings.every(f => f.code === 'HEALTHY'))) {
    const inline = el('span', { class: 'findings', 'data-inline': 'true' }, ' · ', !findings
      ? el('span', { class: 'findings-head' }, internal ? 'the doctor does not look at internal topics'
        : 'the doctor has not looked at it yet')
      : findings.map(f => el('span', { class: 'finding', 'data-code': f.code, 'data-problem': f.problem,
        title: `${f.found} (the doctor, ${time(f.lookedAt)}, again every ${f.everySeconds} s)` },
      `${mark(f)} nothing found by the doctor (${time(f.lookedAt)})`)));
    drawnFrom.set(inline, signature);
    return inline;
  }
  const open = new Set([...(previous?.querySelectorAll('.finding > details[open]') ?? [])]
    .map(d => d.parentElement.dataset.code));
  const block = el('div', { class: 'findings', 'aria-label': 'the doctor’s findings' });
  drawnFrom.set(block, signature);
  if (findings === null || findings === undefined) {
    block.append(el('p', { class: 'findings-head' }, internal
      ? 'Doctor: it does not look at Kafka’s internal topics.'
      : 'Doctor: not looked at yet (it looks every few seconds, and soon after a new group or topic appears).'));
    return block;
  }
  const first = findings[0];
  block.append(el('p', { class: 'findings-head' }, 'Doctor (the reasoning of ', el('code', {}, 'bin/run doctor'), ')',
    first ? `, looked at ${time(first.lookedAt)}, again every ${first.everySeconds} s` : '',
    kind === 'group' ? '. Not checked here: rebalancing (the doctor’s second look); the timeline shows each rebalance.'
      : '.'));
  if (findings.length === 0) {
    block.append(el('p', { class: 'finding-none' },
      'Nothing about this group itself: see the findings of the topics it reads.'));
  }
  for (const f of findings) {
    const line = [el('span', { class: 'finding-mark' }, mark(f)), ' ', el('strong', {}, f.code), ' ', f.found];
    const folded = [
      list('evidence', 'What it read', f.evidence),
      f.cause ? el('p', { class: 'finding-cause' }, el('strong', {}, 'Likely cause: '), f.cause) : null,
      list('fixes', 'Fix', f.fixes),
      list('see', 'See it yourself', f.see.map(s => el('code', {}, s))),
    ].filter(Boolean);
    block.append(el('div', { class: 'finding', 'data-code': f.code, 'data-problem': f.problem },
      folded.length === 0 ? el('p', { class: 'finding-line' }, line)
        : el('details', { open: open.has(f.code) ? '' : null }, el('summary', { class: 'finding-line' }, line),
          folded)));
  }
  return block;
}

/** A symbol and a word: a problem, an explanation (nothing is broken: AT_END, MARKER_LAG...) or healthy. */
function mark(f) {
  return f.problem ? '⚠ problem:' : f.code === 'HEALTHY' ? '✓ healthy:' : 'ℹ explained:';
}

function list(name, title, items) {
  if (!items || items.length === 0) return null;
  return el('div', { class: `finding-${name}` }, el('strong', {}, `${title}:`),
    el('ul', {}, items.map(item => el('li', {}, item))));
}
