// Console: evaluate (query) or submit (invoke) a transaction with arguments and transient data.
import { get, api, seg, isUnavailable } from '../api.js';
import { h, replace, card, field, errorSlot, busy, notAvailable, dl, pretty } from '../ui.js';

/** Arguments: a JSON array of strings, or one argument per line. */
export function parseArgs(text) {
  const t = text.trim();
  if (!t) return [];
  if (t.startsWith('[')) {
    let v;
    try { v = JSON.parse(t); } catch (e) { throw new Error(`arguments: not a valid JSON array (${e.message})`); }
    if (!Array.isArray(v)) throw new Error('arguments: expected a JSON array');
    return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  }
  return text.split('\n');
}

const base64 = (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** Transient data: `key=value` lines (value as UTF-8 text) or a JSON object of strings. */
export function parseTransient(text) {
  const t = text.trim();
  if (!t) return undefined;
  const out = {};
  if (t.startsWith('{')) {
    let v;
    try { v = JSON.parse(t); } catch (e) { throw new Error(`transient data: not valid JSON (${e.message})`); }
    for (const [k, val] of Object.entries(v)) out[k] = base64(typeof val === 'string' ? val : JSON.stringify(val));
    return out;
  }
  for (const line of t.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`transient data: '${line}' is not key=value`);
    out[line.slice(0, eq).trim()] = base64(line.slice(eq + 1));
  }
  return out;
}

export default async function render(main, ctx) {
  replace(main, h('h1', {}, 'Console'));
  let net;
  try {
    net = await get('/network');
  } catch (err) {
    if (isUnavailable(err)) { main.append(notAvailable('The transaction console')); return; }
    throw err;
  }
  const f = {
    channel: h('select', { id: 'console-channel' }, net.channels.map((c) => h('option', { value: c, selected: c === ctx.params.get('channel') }, c))),
    chaincode: h('input', { id: 'console-chaincode', required: true, list: 'console-chaincodes', value: ctx.params.get('name') || '', spellcheck: 'false' }),
    fn: h('input', { id: 'console-function', required: true, placeholder: 'GetAllAssets', spellcheck: 'false' }),
    args: h('textarea', { id: 'console-args', rows: 3, spellcheck: 'false', placeholder: 'one argument per line, or ["a","b"]' }),
    transient: h('textarea', { id: 'console-transient', rows: 2, spellcheck: 'false', placeholder: 'key=value per line, or {"key":"value"}' }),
    init: h('input', { id: 'console-init', type: 'checkbox' }),
  };
  const names = h('datalist', { id: 'console-chaincodes' });
  const loadNames = () => get(`/channels/${seg(f.channel.value)}/chaincodes`).then(
    (r) => replace(names, r.items.map((d) => h('option', { value: d.name }))), () => names.replaceChildren());
  f.channel.addEventListener('change', loadNames);
  loadNames();
  const slot = errorSlot();
  slot.id = 'console-error';
  const result = h('div', { id: 'console-result', 'aria-live': 'polite' });
  const evaluate = h('button', { type: 'button', class: 'primary', id: 'console-evaluate' }, 'Evaluate (query)');
  const submit = h('button', { type: 'button', id: 'console-submit' }, 'Submit (invoke)');
  const run = (kind, button) => busy(button, slot, async () => {
    result.replaceChildren();
    if (!f.chaincode.value.trim() || !f.fn.value.trim()) throw new Error('chaincode name and function are required');
    const body = { function: f.fn.value.trim(), args: parseArgs(f.args.value) };
    const transient = parseTransient(f.transient.value);
    if (transient) body.transient = transient;
    if (kind === 'submit' && f.init.checked) body.init = true;
    const path = `/channels/${seg(f.channel.value)}/chaincodes/${seg(f.chaincode.value.trim())}/${kind}`;
    const r = await api('POST', path, body);
    replace(result, resultView(kind, r));
  });
  evaluate.addEventListener('click', () => run('evaluate', evaluate));
  submit.addEventListener('click', () => run('submit', submit));
  main.append(card('Transaction', names,
    h('div', { class: 'grid2' }, field('Channel', f.channel), field('Chaincode', f.chaincode)),
    field('Function', f.fn), field('Arguments', f.args, 'One per line, or a JSON array of strings.'),
    field('Transient data', f.transient, 'Private inputs, sent base64-encoded; never written to the ledger.'),
    h('label', { class: 'check' }, f.init, ' Init transaction (submit only; for definitions that require init)'),
    h('div', { class: 'actions' }, evaluate, submit), slot), card('Result', result));
}

function resultView(kind, r) {
  const text = r.result ?? '';
  let parsed = r.json;
  if (parsed === undefined && text) { try { parsed = JSON.parse(text); } catch { parsed = undefined; } }
  return h('div', { class: `console-result result-${kind}` },
    dl([['Kind', kind === 'submit' ? 'submitted (invoke)' : 'evaluated (query)'],
      r.txId ? ['Transaction ID', h('code', { class: 'break', id: 'console-txid' }, r.txId)] : null,
      r.blockNumber !== undefined ? ['Block', String(r.blockNumber)] : null,
      r.validationCode ? ['Validation code', h('span', { id: 'console-validation' }, r.validationCode)] : null,
      r.operation ? ['Operation', h('a', { href: '#/operations' }, r.operation.id || 'queued')] : null]),
    parsed !== undefined ? h('div', {}, h('h3', {}, 'Result (JSON)'), pretty(parsed))
      : h('div', {}, h('h3', {}, 'Result'), h('pre', { class: 'code', id: 'console-raw' }, text || '(empty)')));
}
