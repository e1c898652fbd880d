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

/** A colour per key, always the same for the same key: a hue from the key's hash. */
export function keyColour(key) {
  if (key === null || key === undefined) return 'hsl(0 0% 88%)';
  let hash = 0;
  for (let i = 0; i < key.length; i++) {
    hash = (hash * 31 + key.charCodeAt(i)) | 0;
  }
  return `hsl(${Math.abs(hash) % 360} 65% 82%)`;
}

export function time(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

export function seconds(value) {
  if (value === null || value === undefined) return 'unknown';
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}

export function number(value) {
  return value === null || value === undefined ? '–' : value.toLocaleString('en');
}
