// Packages: upload (drag and drop or file picker, real progress), ccaas builder, list, detail.
import { get, api, seg, upload, download } from '../api.js';
import { h, replace, card, table, errorSlot, busy, fmtBytes, fmtTime, copyButton, field, pretty, dl, badge } from '../ui.js';
import { runServerCard } from './run-server.js';

const TAR_TYPES = { 0: 'file', '': 'file', 1: 'hard link', 2: 'symlink', 5: 'directory' };

const mayWrite = (me) => (me.permissions || []).includes('packages:write');

export default async function render(main, ctx) {
  if (ctx.rest[0]) return renderDetail(main, ctx, ctx.rest[0]);
  const listSlot = h('div', { id: 'package-list' }, h('p', { class: 'muted' }, 'Loading packages…'));
  const reload = () => loadList(listSlot, ctx);
  replace(main, h('h1', {}, 'Packages'),
    mayWrite(ctx.me) ? null : h('p', { class: 'notice' }, `Your role (${ctx.me.role}) may read packages; the gateway refuses uploads, builds and deletions.`),
    h('div', { class: 'grid2' }, uploadCard(reload), ccaasCard(reload)),
    card('Stored packages', listSlot));
  await reload();
}

function uploadCard(onDone) {
  const input = h('input', { type: 'file', id: 'package-file', accept: '.tar.gz,.tgz,application/gzip', class: 'file-input' });
  const zone = h('label', { for: 'package-file', class: 'dropzone', id: 'dropzone' },
    h('strong', {}, 'Drop a chaincode package here'), h('span', {}, 'or press Enter / click to choose a .tar.gz file'));
  const progress = h('progress', { id: 'upload-progress', max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const progressText = h('span', { id: 'upload-progress-text', class: 'small', 'aria-live': 'polite' });
  const result = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const slot = errorSlot();
  slot.id = 'upload-error';

  async function send(file) {
    slot.clear();
    result.replaceChildren();
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = `Uploading ${file.name}…`;
    try {
      const pkg = await upload('/packages', file, (loaded, total) => {
        const pct = total ? Math.round((loaded / total) * 100) : 0;
        progress.value = pct;
        progressText.textContent = `${file.name}: ${fmtBytes(loaded)} of ${fmtBytes(total)} (${pct}%)`;
      });
      progress.value = 100;
      progressText.textContent = `${file.name}: uploaded, checked by the gateway.`;
      replace(result, h('p', { class: 'success' }, pkg.created === false ? 'Already stored: ' : 'Stored: ',
        h('a', { href: `#/packages/${encodeURIComponent(pkg.packageId)}` }, pkg.packageId), ' ', copyButton(pkg.packageId, 'Copy ID')),
      pkg.warnings?.length ? h('ul', { class: 'warnings' }, pkg.warnings.map((w) => h('li', {}, w))) : null);
      await onDone();
    } catch (err) {
      progress.hidden = true;
      progressText.textContent = '';
      slot.show(err);
    } finally {
      input.value = '';
    }
  }
  input.addEventListener('change', () => { if (input.files[0]) send(input.files[0]); });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const f = e.dataTransfer.files[0];
    if (f) send(f);
  });
  return card('Upload a package', input, zone, h('div', { class: 'progress-row' }, progress, progressText), slot, result);
}

function ccaasCard(onDone) {
  const f = {
    label: h('input', { id: 'ccaas-label', required: true, placeholder: 'basic_1.0', spellcheck: 'false' }),
    address: h('input', { id: 'ccaas-address', required: true, placeholder: 'basic.example.com:9999', spellcheck: 'false' }),
    dialTimeout: h('input', { id: 'ccaas-dial-timeout', placeholder: '10s' }),
    tlsRequired: h('input', { id: 'ccaas-tls', type: 'checkbox' }),
    clientAuthRequired: h('input', { id: 'ccaas-client-auth', type: 'checkbox' }),
    rootCert: h('textarea', { id: 'ccaas-root-cert', rows: 3, placeholder: '-----BEGIN CERTIFICATE-----' }),
  };
  const tlsFields = h('div', { hidden: true }, field('Root CA certificate (PEM)', f.rootCert),
    h('label', { class: 'check' }, f.clientAuthRequired, ' Client authentication required'));
  f.tlsRequired.addEventListener('change', () => { tlsFields.hidden = !f.tlsRequired.checked; });
  const slot = errorSlot();
  slot.id = 'ccaas-error';
  const result = h('div', { id: 'ccaas-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'ccaas-build' }, 'Build package');
  const form = h('form', { id: 'ccaas-form' },
    field('Label', f.label, 'Letters, digits, "_", "+", ".", "-"; e.g. basic_1.0'),
    field('Chaincode server address (host:port, as the peer dials it)', f.address),
    field('Dial timeout', f.dialTimeout, 'Go duration, default 10s'),
    h('label', { class: 'check' }, f.tlsRequired, ' TLS required'), tlsFields,
    button, slot, result);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    result.replaceChildren();
    const body = { label: f.label.value.trim(), address: f.address.value.trim(), tlsRequired: f.tlsRequired.checked };
    if (f.dialTimeout.value.trim()) body.dialTimeout = f.dialTimeout.value.trim();
    if (body.tlsRequired) {
      body.clientAuthRequired = f.clientAuthRequired.checked;
      if (f.rootCert.value.trim()) body.rootCert = f.rootCert.value.trim();
    }
    busy(button, slot, async () => {
      const pkg = await api('POST', '/packages/ccaas', body);
      const env = pkg.chaincodeServer || {};
      const line = `CHAINCODE_ID=${env.CHAINCODE_ID}\nCHAINCODE_SERVER_ADDRESS=${env.CHAINCODE_SERVER_ADDRESS}`;
      replace(result, h('div', { class: 'success' },
        h('p', {}, pkg.created === false ? 'Already stored: ' : 'Built and stored: ',
          h('a', { href: `#/packages/${encodeURIComponent(pkg.packageId)}` }, pkg.packageId)),
        h('p', {}, 'Start the chaincode server with:'),
        h('pre', { class: 'code', id: 'ccaas-env' }, line), copyButton(line, 'Copy environment')));
      await onDone();
    });
  });
  return card('Build a ccaas package', form);
}

async function loadList(slot, ctx) {
  const page = await get('/packages?limit=200');
  if (!page.items.length) { replace(slot, h('p', { class: 'muted' }, 'No packages stored yet.')); return; }
  replace(slot, table(['Label', 'Type', 'Size', 'Package ID', ''], page.items.map((p) => [
    h('a', { href: `#/packages/${encodeURIComponent(p.packageId)}` }, p.label), p.type, fmtBytes(p.size),
    h('span', { class: 'id-cell' }, h('code', { class: 'package-id' }, p.packageId), copyButton(p.packageId)),
    h('a', { href: `#/packages/${encodeURIComponent(p.packageId)}`, class: 'button small' }, 'Details'),
  ]), { class: 'packages', caption: 'Stored packages' }),
  page.total > page.items.length ? h('p', { class: 'muted' }, `Showing ${page.items.length} of ${page.total}.`) : null);
}

async function renderDetail(main, ctx, id) {
  replace(main, h('p', {}, h('a', { href: '#/packages' }, '← Packages')), h('h1', {}, 'Package'));
  const p = await get(`/packages/${seg(id)}`);
  const actionsSlot = errorSlot();
  actionsSlot.id = 'package-action-error';
  const dlButton = h('button', { type: 'button', id: 'package-download' }, 'Download');
  dlButton.addEventListener('click', () => busy(dlButton, actionsSlot, () => download(`/packages/${seg(id)}/content`, `${p.label}.tar.gz`)));
  const delButton = h('button', { type: 'button', class: 'danger', id: 'package-delete' }, 'Delete');
  delButton.addEventListener('click', () => {
    if (!confirm(`Delete package ${p.packageId} from the gateway? (Installed copies on peers stay.)`)) return;
    busy(delButton, actionsSlot, async () => {
      await api('DELETE', `/packages/${seg(id)}`);
      ctx.navigate('#/packages');
    });
  });
  main.querySelector('h1').textContent = p.label;
  main.append(
    h('div', { class: 'actions' }, dlButton, delButton), actionsSlot,
    card('Metadata', dl([
      ['Package ID', h('span', { class: 'id-cell' }, h('code', { id: 'detail-package-id' }, p.packageId), copyButton(p.packageId))],
      ['Label', p.label], ['Type', p.type], ['Path', p.path || '(empty)'], ['Size', `${fmtBytes(p.size)} (${p.size} bytes)`],
      ['SHA-256', h('code', { class: 'break' }, p.sha256)], ['Uploaded by', p.uploadedBy], ['Uploaded at', fmtTime(p.uploadedAt)],
      p.warnings?.length ? ['Warnings', h('ul', {}, p.warnings.map((w) => h('li', {}, badge('warn', 'warning'), ' ', w)))] : null,
    ]), h('h3', {}, 'metadata.json'), pretty(p.metadata)),
    p.connection ? card('connection.json', pretty(p.connection)) : null,
    p.connection ? runServerCard(p) : null,
    card('Files', p.entries?.length ? table(['Name', 'Size', 'Mode', 'Type', 'Flags'], p.entries.map((e) =>
      [h('code', {}, e.name), fmtBytes(e.size), e.mode, TAR_TYPES[e.type] || e.type, (e.flags || []).join(', ')]), { class: 'files', caption: 'Files in the package' })
      : h('p', { class: 'muted' }, 'No file listing.')));
}

