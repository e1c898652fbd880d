// The page's views, one per concern, and the filter, both kept in the address's fragment:
// #groups?filter=payment shows the groups view filtered by "payment". A reload, a copied link and the
// browser's back and forward buttons all keep them. No fragment: Level 3's flow when its topics exist,
// else the topics. Every view is in the page all the time; only the chosen one is shown.

/** Each view's parts of the page, by element id. A part another part of the course may not add is simply missing. */
const PARTS = {
  flow: ['flow-section'],
  topics: ['topics-section', 'record-panel'],
  groups: ['groups-section', 'timeline-section'],
  transactions: ['transactions-section'],
  shares: ['share-section'],
  cluster: ['cluster-section'],
  topology: ['topology-section'],
  clients: ['clients-section'],
};

/** What a view says when everything in it is hidden (its part draws itself only when there is something to draw). */
const NOTHING_YET = {
  flow: 'Level 3\'s flow appears when its topics exist: run bin/demo, or order-producer, payment-service and'
    + ' notification-service (docs/level-3.md).',
  shares: 'No share group yet: run the share-consumer lesson (docs/share-groups.md).',
  clients: 'No client has pushed its metrics yet: start a lesson, e.g. basic-producer; a client pushes first'
    + ' 5 to 15 s after it connects, then every 10 s (docs/observability.md).',
};

const main = document.querySelector('main');
const links = [...document.querySelectorAll('nav a[data-view]')];
const filterInput = document.getElementById('filter');
const emptyLine = document.getElementById('view-empty');
const listeners = [];
const emptyTexts = {};
let defaultView = 'topics';
let shown = null;

export const route = { view: 'topics', filter: '', named: false };

/** Views whose parts are on the page: a view another part of the course has not added yet has no link. */
function available(view) {
  return PARTS[view].some(id => document.getElementById(id));
}

for (const link of links) {
  link.closest('li').hidden = !available(link.dataset.view);
}

function read() {
  const text = location.hash.slice(1);
  const at = text.indexOf('?');
  const name = at < 0 ? text : text.slice(0, at);
  route.named = Object.hasOwn(PARTS, name) && available(name);
  route.view = route.named ? name : defaultView;
  route.filter = new URLSearchParams(at < 0 ? '' : text.slice(at + 1)).get('filter') ?? '';
}

/** The fragment for a view with the current filter: "#groups" or "#groups?filter=payment". */
export function fragment(view, filter = route.filter) {
  return filter ? `#${view}?${new URLSearchParams({ filter })}` : `#${view}`;
}

/** Does a name (topic, group, transactional id) contain the filter's text? Any name does when there is none. */
export function matches(name) {
  return !route.filter || (name ?? '').toLowerCase().includes(route.filter.toLowerCase());
}

/** Calls back whenever the view or the filter changes (a link, the back button, typing in the filter). */
export function onRouteChange(callback) {
  listeners.push(callback);
}

/** The view shown when the address names none: Level 3's flow once its topics exist, otherwise the topics. */
export function setDefaultView(view) {
  if (view === defaultView) return;
  defaultView = view;
  if (!route.named) apply();
}

/** A view's count, shown in its link: "(3)", or with a filter "(1 of 3)". */
export function setCount(view, count, total = count) {
  const span = links.find(l => l.dataset.view === view)?.querySelector('.count');
  if (!span) return;
  const text = route.filter && count !== total ? `(${count} of ${total})` : `(${count})`;
  if (span.textContent !== text) span.textContent = text;
}

/** What a view says when it has nothing to show, instead of its usual line (null: the usual line). */
export function setEmptyText(view, text) {
  emptyTexts[view] = text ?? undefined;
}

/** Shows the chosen view's parts and no other, and a line when none of them has anything to show. */
export function showView() {
  const parts = new Set(PARTS[route.view]);
  main.dataset.view = route.view;
  for (const child of main.children) {
    child.classList.toggle('in-view', parts.has(child.id) || child === emptyLine);
  }
  const present = PARTS[route.view].map(id => document.getElementById(id)).filter(Boolean);
  const nothing = present.every(part => part.hidden);
  emptyLine.hidden = !nothing;
  if (nothing) {
    const text = emptyTexts[route.view] ?? NOTHING_YET[route.view] ?? 'Nothing to show here yet.';
    if (emptyLine.textContent !== text) emptyLine.textContent = text;
  }
  for (const link of links) {
    link.setAttribute('href', fragment(link.dataset.view));
    if (link.dataset.view === route.view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function apply(typed = false) {
  const before = shown;
  read();
  if (!typed && filterInput.value !== route.filter) filterInput.value = route.filter;
  shown = `${route.view}?${route.filter}`;
  showView();
  if (before !== null && before.split('?')[0] !== route.view) window.scrollTo(0, 0);
  if (before !== shown) listeners.forEach(callback => callback(route));
}

window.addEventListener('hashchange', () => apply());
// Typing in the filter changes the address without adding a step to the history for each letter.
filterInput.addEventListener('input', () => {
  history.replaceState(null, '', fragment(route.view, filterInput.value.trim()));
  apply(true);
});
document.getElementById('filter-form').addEventListener('submit', event => event.preventDefault());
apply();
