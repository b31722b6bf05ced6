// The Actions card and the row buttons: operator actions sent to POST /v1/console/actions
// with the console token or an admin credential (--auth on), kept in sessionStorage (this
// tab only). The stream sends it too (stream.js), since with --auth on the console's data
// needs it. The server checks it; without one the forms stay disabled and no row button
// is drawn.
import { $, esc } from './html.js';
import { reconnectStream, TOKEN_KEY } from './stream.js';

const RESULTS_CAP = 8;      // action results shown
const token = () => sessionStorage.getItem(TOKEN_KEY) || '';

// A row's action button as HTML, or '' without a token.
export function tokenButton(action, args, label) {
  if (!token()) return '';
  return `<button class="mini" data-act="${action}" data-args="${esc(JSON.stringify(args))}">${esc(label)}</button>`;
}

function syncTokenUi(rerender) {
  const has = !!token();
  $('#action-forms').disabled = !has;
  $('#token-hint').textContent = has
    ? 'Token set for this tab. Actions and the stream are sent with it; the server checks it.'
    : 'Enter the console token or an admin key/JWT to enable actions (with --auth on, to see anything). It is kept for this tab only.';
  $('#actions').classList.toggle('armed', has);
  rerender(); // row buttons appear or disappear
}

async function act(body) {
  const what = describe(body);
  let ok = false, message;
  try {
    const res = await fetch('/v1/console/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    ok = res.ok && data.ok === true;
    message = ok ? data.message : `${res.status} ${data.error ? `${data.error.code}: ${data.error.message}` : res.statusText}`;
  } catch (e) {
    message = `request failed: ${e.message}`;
  }
  const li = document.createElement('li');
  li.className = ok ? 'ok' : 'err';
  li.innerHTML = `<time>${new Date().toLocaleTimeString('en-GB', { hour12: false })}</time> <b>${esc(what)}</b> <span>${esc(message || '')}</span>`;
  const list = $('#action-results');
  list.prepend(li);
  while (list.children.length > RESULTS_CAP) list.lastChild.remove();
}

function describe(b) {
  switch (b.action) {
    case 'close_session': return `close session #${b.actor}`;
    case 'cancel_job': return `cancel ${b.request_id}`;
    case 'pause_caller': return `pause ${b.caller}`;
    case 'resume_caller': return `resume ${b.caller}`;
    case 'set_weight': return `weight ${b.caller} = ${b.weight}`;
    default: return b.action;
  }
}

// rerender redraws the page: setting or forgetting the token adds or drops row buttons.
export function setupActions(rerender) {
  $('#token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('#token').value.trim();
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    $('#token').value = '';
    syncTokenUi(rerender);
    reconnectStream(); // the stream may have been refused without it
  });
  $('#token-clear').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    syncTokenUi(rerender);
    reconnectStream();
  });
  for (const form of document.querySelectorAll('#action-forms form')) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = { action: form.dataset.action };
      for (const input of form.querySelectorAll('input')) {
        const v = input.value.trim();
        body[input.name] = input.name === 'actor' || input.name === 'weight' ? Number(v) : v;
      }
      act(body);
    });
  }
  document.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-act]');
    if (!b) return;
    ev.stopPropagation();
    act(Object.assign({ action: b.dataset.act }, JSON.parse(b.dataset.args)));
  });
  syncTokenUi(rerender);
}
