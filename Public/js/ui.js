// DOM helpers. Server data only ever reaches the page as text nodes or attribute values.

/** `h('button', {class: 'x', onclick: f}, 'text', child)` */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
export const uid = (prefix) => `${prefix}-${++idCounter}`;

/** The server's error as shown next to the control that caused it. */
export function errorBox(err) {
  const box = h('div', { class: 'error', role: 'alert' });
  const status = err?.status ? `${err.status}${err.code ? ` ${err.code}` : ''}: ` : '';
  box.append(h('strong', {}, status), err?.message || String(err));
  const d = err?.details;
  if (d && typeof d === 'object') {
    const items = Object.entries(d).map(([k, v]) => h('li', {}, h('span', { class: 'k' }, `${k}: `),
      typeof v === 'string' ? v : JSON.stringify(v)));
    if (items.length) box.append(h('ul', { class: 'details' }, items));
  }
  if (err?.requestId) box.append(h('div', { class: 'muted small' }, `request ${err.requestId}`));
  return box;
}

/** An element that shows one error (or nothing); put it right after the control. */
export function errorSlot() {
  const slot = h('div', { class: 'error-slot', 'aria-live': 'polite' });
  slot.show = (err) => replace(slot, err ? errorBox(err) : null);
  slot.clear = () => slot.replaceChildren();
  return slot;
}

export function notAvailable(what) {
  return h('div', { class: 'notice', role: 'status' },
    h('strong', {}, 'Not available on this gateway. '),
    `${what} needs an API endpoint this gateway does not provide yet.`);
}

/** Disables `button` while `work()` runs; errors go to `slot`. Returns work's result or undefined. */
export async function busy(button, slot, work) {
  slot?.clear();
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } catch (err) {
    if (slot) slot.show(err); else throw err;
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

export function fmtBytes(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtTime(s) {
  if (!s) return '';
  const d = new Date(s);
  return isNaN(d) ? s : d.toLocaleString();
}

/** `label` names what is copied ('Copy token'); the copied text itself never goes into an
 *  attribute (a token's secret would be read out by screen readers and kept in the DOM). */
export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'small', title: 'Copy to clipboard' }, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API needs a secure context; fall back to a selection copy.
      const ta = h('textarea', { class: 'sr-only' }, text);
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    b.textContent = 'Copied';
    setTimeout(() => { b.textContent = label; }, 1500);
  });
  return b;
}

export function badge(state, text = state) {
  return h('span', { class: `badge badge-${String(state).replace(/[^a-z-]/gi, '')}` }, text);
}

export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    hint ? h('div', { class: 'hint' }, hint) : null);
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

export function pretty(value) {
  return h('pre', { class: 'code' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** A table that becomes stacked cards on narrow screens (cells carry their column name). */
export function table(columns, rows, opts = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: `responsive ${opts.class || ''}`, id: opts.id },
    opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => {
      const tr = h('tr');
      cells.forEach((c, i) => tr.append(h('td', { 'data-label': columns[i] }, c)));
      return tr;
    }))));
}

export function dl(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}
