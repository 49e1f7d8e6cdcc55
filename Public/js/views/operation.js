// Shared: follow one operation (install/approve/commit/submit) to its end, rendering its steps.
import { get, seg } from '../api.js';
import { h, replace, badge, errorBox } from '../ui.js';

export const TERMINAL = ['succeeded', 'failed'];

export function stepsList(op) {
  return h('ol', { class: 'steps' }, (op.steps || []).map((s) => h('li', { class: `step step-${s.state}` },
    badge(s.state), ' ', h('strong', {}, s.target || s.name), s.target && s.name ? h('span', { class: 'muted' }, ` ${s.name}`) : null,
    s.message ? h('div', { class: 'small' }, s.message) : null,
    s.detail ? h('div', { class: 'small muted' }, typeof s.detail === 'string' ? s.detail : JSON.stringify(s.detail)) : null)));
}

export function operationView(op) {
  return h('div', { class: 'operation', dataset: { operationId: op.id, state: op.state } },
    h('div', {}, badge(op.state), ' ', h('strong', {}, op.kind), ' ', op.target ? h('span', {}, op.target) : null,
      h('span', { class: 'muted small' }, ` · ${op.id}`)),
    stepsList(op),
    op.error ? errorBox(typeof op.error === 'string' ? { message: op.error } : op.error) : null);
}

/** Polls the operation into `slot` until it ends or `signal` aborts; returns the last state. */
export async function followOperation(id, slot, signal) {
  let delay = 300;
  for (;;) {
    const op = await get(`/operations/${seg(id)}`);
    replace(slot, operationView(op));
    if (TERMINAL.includes(op.state) || signal?.aborted) return op;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 2000);
  }
}
