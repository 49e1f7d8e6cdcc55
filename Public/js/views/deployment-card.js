// The chaincode's declarative deployment: the recorded spec, its operation's steps followed live
// (long-polling GET /operations/{id}?wait=30s while the page is open), what differs, and an
// "apply spec" form that PUTs pasted YAML (or JSON).
import { get, send, seg, isUnavailable } from '../api.js';
import { h, replace, errorBox, errorSlot, busy, badge, dl, pretty } from '../ui.js';

const EXAMPLE = `version: "1.0"
package:
  ccaas: { label: basic_1.0, address: "basic-{org}:9999" }
orgs: all
peers: all
commit: whenReady
`;

export async function deploymentCard({ ctx, base, refresh }) {
  const el = h('section', { class: 'card', id: 'deployment-card' }, h('h2', {}, 'Deployment'));
  let state = null;
  try {
    state = await get(`${base}/deployment`);
  } catch (err) {
    if (isUnavailable(err)) return null;
    if (err.status !== 404) el.append(errorBox(err));
  }
  const progress = h('div', { id: 'deployment-progress', 'aria-live': 'polite' });
  if (state) {
    el.append(dl([
      ['Up to date', badge(state.upToDate ? 'ok' : 'pending', state.upToDate ? 'yes' : 'no')],
      ['Committed sequence', state.observed?.committedSequence == null ? 'none' : String(state.observed.committedSequence)],
      ['Applied by', `${state.updatedBy} at ${state.updatedAt}`],
    ]), h('h3', {}, 'Spec'), pretty(state.spec), progress);
    if (state.diff?.length) el.append(h('h3', {}, 'Differences'), h('ul', { id: 'deployment-diff' }, state.diff.map(diffLine)));
    if (state.operation) follow(state.operation, progress, ctx.signal);
  } else {
    el.append(h('p', { class: 'muted', id: 'no-deployment' }, 'No deployment spec applied to this chaincode yet.'));
  }
  el.append(applyForm({ base, refresh, current: state?.spec }));
  return el;
}

function diffLine(d) {
  if (d.kind === 'install') return h('li', {}, `install ${d.packageId} on ${d.peer}`);
  if (d.kind === 'approve') return h('li', {}, `${d.mspId}: approval ${d.state} (sequence ${d.sequence})`);
  if (d.kind === 'init') {
    const why = d.initialized === false ? 'not initialized' : `initialization unknown: ${d.error ?? 'no answer'}`;
    return h('li', {}, `init ${d.function}: version ${d.version} ${why}`);
  }
  return h('li', {}, `${d.field}: spec ${fmt(d.spec)}, committed ${fmt(d.committed)}`);
}

function fmt(v) { return v === null || v === undefined ? '—' : String(v); }

/** Renders the operation's steps, then long-polls for its next change until it ends or the page goes. */
async function follow(op, el, signal) {
  for (;;) {
    replace(el, steps(op));
    if (op.state === 'succeeded' || op.state === 'failed' || signal.aborted) return;
    try {
      op = await send('GET', `/operations/${seg(op.id)}?wait=30s`, undefined, undefined, signal);
    } catch (err) {
      if (!signal.aborted) el.append(errorBox(err));
      return;
    }
  }
}

function steps(op) {
  const waiting = op.phase ? h('p', { id: 'deployment-phase' }, badge('pending', op.phase),
    op.result?.waitingFor?.length ? ` ${op.result.waitingFor.join(', ')}` : '') : null;
  return [h('h3', {}, 'Operation ', h('a', { href: `#/operations/${encodeURIComponent(op.id)}` }, op.id.slice(0, 8)), ' ', badge(op.state)),
    waiting,
    h('ol', { class: 'steps', id: 'deployment-steps' }, op.steps.map((s) => h('li', { dataset: { step: s.name, state: s.state } },
      h('strong', {}, s.name), ' ', badge(s.state), ` ${s.message}`, s.detail ? h('div', { class: 'muted small' }, s.detail) : null))),
    op.error ? h('p', { class: 'error-text', id: 'deployment-error' }, op.error) : null];
}

function applyForm({ base, refresh, current }) {
  const text = h('textarea', { id: 'deployment-spec', rows: 10, spellcheck: 'false', 'aria-label': 'Deployment spec (YAML or JSON)' });
  text.value = current ? JSON.stringify(current, null, 2) : EXAMPLE;
  const slot = errorSlot();
  slot.id = 'deployment-apply-error';
  const button = h('button', { type: 'button', class: 'primary', id: 'deployment-apply' }, 'Apply spec');
  button.addEventListener('click', () => busy(button, slot, async () => {
    const body = text.value;
    const type = body.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
    const r = await send('PUT', `${base}/deployment`, body, type);
    await refresh(h('p', { class: 'success', id: 'deployment-applied' },
      r.upToDate ? 'Up to date: nothing to do.' : `Deployment started: operation ${r.operation.id}.`));
  }));
  return h('form', { class: 'deployment-form', onsubmit: (e) => e.preventDefault() },
    h('h3', {}, 'Apply spec'), text, h('div', { class: 'actions' }, button), slot);
}
