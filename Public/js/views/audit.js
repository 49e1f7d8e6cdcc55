// Audit log (admins): filters and paging over GET /audit.
import { get } from '../api.js';
import { h, replace, card, table, field, errorSlot, busy, badge, fmtTime } from '../ui.js';

const PAGE = 50;

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'Audit log'));
  const f = {
    actor: h('input', { id: 'audit-actor', spellcheck: 'false' }),
    action: h('input', { id: 'audit-action', placeholder: 'package.upload', spellcheck: 'false' }),
    outcome: h('select', { id: 'audit-outcome' }, ['', 'success', 'denied', 'failed'].map((o) => h('option', { value: o }, o || 'any'))),
  };
  let offset = 0;
  const slot = errorSlot();
  const out = h('div', { id: 'audit-list' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Filter');
  const load = () => busy(button, slot, async () => {
    const q = new URLSearchParams({ limit: PAGE, offset });
    for (const k of ['actor', 'action', 'outcome']) if (f[k].value.trim()) q.set(k, f[k].value.trim());
    const page = await get(`/audit?${q}`);
    const prev = h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, 'Newer');
    const next = h('button', { type: 'button', disabled: offset + PAGE >= page.total, onclick: () => { offset += PAGE; load(); } }, 'Older');
    replace(out, table(['When', 'Actor', 'Action', 'Target', 'Outcome', 'Status', 'Detail'], page.items.map((e) => [
      fmtTime(e.at), `${e.actor}${e.role ? ` (${e.role})` : ''}`, e.action, h('span', { class: 'break' }, e.target || ''),
      badge(e.outcome === 'success' ? 'ok' : e.outcome, e.outcome), String(e.status), e.detail || '']), { class: 'audit' }),
    h('div', { class: 'actions' }, prev, next, h('span', { class: 'muted small' }, `${page.total ? offset + 1 : 0}–${Math.min(offset + PAGE, page.total)} of ${page.total}`)));
  });
  const form = h('form', { class: 'filters' }, field('Actor', f.actor), field('Action', f.action), field('Outcome', f.outcome), button);
  form.addEventListener('submit', (e) => { e.preventDefault(); offset = 0; load(); });
  main.append(card(null, form, slot), card(null, out));
  await load();
}
