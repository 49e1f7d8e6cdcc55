// "Run this chaincode server": Kubernetes or compose manifests for a ccaas/external package
// (GET /packages/{id}/manifests), shown as text with a copy button.
import { get, seg } from '../api.js';
import { h, replace, card, field, errorSlot, busy, copyButton } from '../ui.js';

export function runServerCard(p) {
  const f = {
    format: h('select', { id: 'manifest-format' },
      h('option', { value: 'kubernetes', selected: true }, 'Kubernetes (Deployment + Service)'),
      h('option', { value: 'compose' }, 'Docker Compose service')),
    image: h('input', { id: 'manifest-image', required: true, placeholder: 'registry.example.com/basic-ccaas:1.0', spellcheck: 'false' }),
    namespace: h('input', { id: 'manifest-namespace', placeholder: 'default', spellcheck: 'false' }),
    channel: h('input', { id: 'manifest-channel', placeholder: 'mychannel', spellcheck: 'false' }),
    chaincode: h('input', { id: 'manifest-chaincode', placeholder: 'basic', spellcheck: 'false' }),
  };
  const nsField = field('Namespace', f.namespace, 'Default: the namespace in the address, else "default"');
  f.format.addEventListener('change', () => { nsField.hidden = f.format.value !== 'kubernetes'; });
  const slot = errorSlot();
  slot.id = 'manifest-error';
  const result = h('div', { id: 'manifest-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'manifest-show' }, 'Show manifests');
  const form = h('form', { id: 'manifest-form' },
    h('p', { class: 'muted' }, `The peer dials ${p.connection.address}; the manifests create that service.`),
    field('Format', f.format), field('Chaincode server image', f.image, 'REPO:TAG'), nsField,
    field('Channel (label)', f.channel), field('Chaincode name (label)', f.chaincode),
    button, slot, result);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    result.replaceChildren();
    const q = new URLSearchParams({ format: f.format.value, image: f.image.value.trim() });
    for (const k of ['namespace', 'channel', 'chaincode']) {
      const v = f[k].value.trim();
      if (v && (k !== 'namespace' || f.format.value === 'kubernetes')) q.set(k, v);
    }
    busy(button, slot, async () => {
      const text = await get(`/packages/${seg(p.packageId)}/manifests?${q}`);
      replace(result, h('pre', { class: 'code', id: 'manifest-text' }, text),
        copyButton(text, f.format.value === 'kubernetes' ? 'Copy manifests' : 'Copy compose file'));
    });
  });
  return card('Run this chaincode server', form);
}
