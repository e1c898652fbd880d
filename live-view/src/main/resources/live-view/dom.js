// Building the page from data, and only ever as text: every string from Kafka (keys, values,
// headers, topic and group names) goes into textContent or an attribute, never into innerHTML.

/** An element with attributes (data-*, class, ...) and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An SVG element, for the lag charts. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * Text that may wrap after the punctuation of JSON (after , : { [) as well as at spaces: a <wbr>
 * (an element with no text) after each, so that a compact value wraps between its fields rather than
 * inside a word. The text itself is unchanged, and still only text.
 */
export function wrappable(text) {
  const parts = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (',:{['.includes(text[i])) {
      parts.push(text.slice(from, i + 1), document.createElement('wbr'));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** Text with each "->" in a span that never wraps: the arrow is not split into "-" and ">" on two lines. */
export function keepArrows(text) {
  return text.split('->').flatMap((part, i) => i === 0 ? [part] : [el('span', { class: 'arrow' }, '->'), part]);
}

/**
 * A colour per key, always the same for the same key: a hue from the key's hash (FNV-1a, mixed so
 * that keys differing in one character, user-1 and user-2, get hues far apart).
 */
export function keyColour(key) {
  if (key === null || key === undefined) return 'hsl(0 0% 88%)';
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return `hsl(${(hash >>> 0) % 360} 70% 80%)`;
}

export function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

export function seconds(value) {
  if (value === null || value === undefined) return 'unknown';
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}

/** The age of a group's oldest unread record, in words: the same words wherever it is shown. */
export function oldestUnread(value) {
  return value === null || value === undefined ? 'age of the oldest unread record unknown'
    : `oldest unread record ${seconds(value)} old`;
}

const NUMBER = new Intl.NumberFormat('en'); // one formatter: toLocaleString() makes one per call

export function number(value) {
  return value === null || value === undefined ? '–' : NUMBER.format(value);
}

/** Sets a node's text only when it changes: an unchanged page then costs the browser no layout. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
