// Small DOM helpers: every value reaches the page as text (textContent, attributes), never as HTML.

export const $ = (id) => document.getElementById(id);

/** An element with attributes (on* names become listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

/** "6d 23h 59m 58s" until the time, "expired" once it has passed. */
export function countdown(until, now = Date.now()) {
  let seconds = Math.floor((until - now) / 1000);
  if (seconds <= 0) return 'expired';
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts = days > 0 ? [`${days}d`, `${hours}h`, `${minutes}m`, `${seconds}s`]
    : hours > 0 ? [`${hours}h`, `${minutes}m`, `${seconds}s`]
      : [`${minutes}m`, `${seconds}s`];
  return parts.join(' ');
}

/** A time element that reads as the viewer's local time and keeps the exact instant in datetime. */
export function time(date) {
  if (!date) return '—';
  const d = date instanceof Date ? date : new Date(date);
  return el('time', { datetime: d.toISOString(), title: d.toISOString() }, d.toLocaleString());
}

/** A live countdown to the date (updated by tick()); a dash when there is none. */
export function expiry(date) {
  if (!date) return el('span', {}, '—');
  const d = date instanceof Date ? date : new Date(date);
  return el('time', { datetime: d.toISOString(), title: `Expires ${d.toISOString()}`, 'data-expires': d.getTime(), class: 'countdown' },
    countdown(d.getTime()));
}

/** Updates every live countdown on the page. */
export function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll('[data-expires]')) {
    const text = countdown(Number(node.dataset.expires), now);
    if (node.textContent !== text) node.textContent = text;
  }
}

export function stateBadge(state) {
  return el('span', { class: `badge state-${String(state).toLowerCase()}` }, state);
}

/** A definition list of label/value pairs, the body of a card. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)]));
}

/** Runs the action with the button disabled and relabelled while it runs. */
export async function busy(button, label, action) {
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.textContent = original;
  }
}
