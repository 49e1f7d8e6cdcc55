// Operations: the list, kept live from the /events stream (read through fetch so the Bearer
// header can be sent), with each operation's steps.
import { get, followEvents, isUnavailable } from '../api.js';
import { h, replace, card, errorBox, notAvailable, badge, fmtTime } from '../ui.js';
import { operationView } from './operation.js';

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'Operations'));
  const stateFilter = h('select', { id: 'operations-state' }, ['', 'queued', 'running', 'succeeded', 'failed'].map((s) => h('option', { value: s }, s || 'any state')));
  const status = h('span', { id: 'events-status', class: 'small', 'aria-live': 'polite' });
  const list = h('div', { id: 'operations-list' });
  const log = h('ol', { id: 'event-log', class: 'event-log', reversed: true });
  const ops = new Map();
  let page;
  try {
    page = await get('/operations?limit=50');
  } catch (err) {
    if (isUnavailable(err)) { main.append(notAvailable('The operations list')); return; }
    throw err;
  }
  for (const op of page.items || []) ops.set(op.id, op);
  const draw = () => {
    const wanted = stateFilter.value;
    const items = [...ops.values()].filter((o) => !wanted || o.state === wanted)
      .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    replace(list, items.length ? items.map((op) => h('details', { class: 'op', open: op.state === 'running' || op.state === 'queued' },
      h('summary', {}, badge(op.state), ' ', h('strong', {}, op.kind), ' ', op.target || '', h('span', { class: 'muted small' }, ` · ${fmtTime(op.createdAt)} · ${op.createdBy || ''}`)),
      operationView(op))) : h('p', { class: 'muted' }, 'No operations.'));
  };
  stateFilter.addEventListener('change', draw);
  draw();
  main.append(card('Operations', h('div', { class: 'toolbar' }, h('label', { for: 'operations-state' }, 'Show '), stateFilter, ' ', status), list),
    card('Live events', h('p', { class: 'muted small' }, 'Operation, approval and commit events appear here as the gateway sends them.'), log));
  followEvents({
    signal: ctx.signal,
    onState: (s) => {
      if (s instanceof Error) replace(status, isUnavailable(s) ? badge('unknown', 'live updates not available on this gateway') : errorBox(s));
      else replace(status, badge(s === 'open' ? 'ok' : 'pending', s === 'open' ? 'live' : s));
    },
    onEvent: (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch { data = ev.data; }
      if (ev.type === 'operation' && data && data.id) { ops.set(data.id, { ...ops.get(data.id), ...data }); draw(); }
      log.prepend(h('li', {}, h('strong', {}, ev.type), ev.id ? h('span', { class: 'muted small' }, ` #${ev.id}`) : null, ' ',
        h('code', { class: 'small break' }, typeof data === 'string' ? data : summary(data))));
      while (log.children.length > 100) log.lastChild.remove();
    },
  });
}

function summary(d) {
  if (!d || typeof d !== 'object') return String(d);
  const keys = ['kind', 'state', 'target', 'channel', 'chaincode', 'mspId', 'sequence', 'txId'];
  const parts = keys.filter((k) => d[k] !== undefined).map((k) => `${k}=${typeof d[k] === 'object' ? JSON.stringify(d[k]) : d[k]}`);
  return parts.length ? parts.join(' ') : JSON.stringify(d).slice(0, 200);
}
