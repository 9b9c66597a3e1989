// The live door page: one server-sent event ("update") every 250 ms carries the new decisions and
// the statistics; the page renders each update once. DOM is built with textContent (no HTML from data).
'use strict';

const PER_DOOR = 8;
const doors = new Map();          // door id -> array of decisions, newest first
const counters = { messages: 0, decisions: 0, renders: 0, since: Date.now() };
window.facegateDashboard = counters;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

const rateChart = new Chart(document.getElementById('rateChart'), {
  type: 'line',
  data: { labels: Array.from({ length: 60 }, (_, i) => i - 59),
    datasets: [
      { label: 'granted', data: [], borderColor: '#176b2c', pointRadius: 0 },
      { label: 'denied', data: [], borderColor: '#b00020', pointRadius: 0 }] },
  options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } }
});
const reasonChart = new Chart(document.getElementById('reasonChart'), {
  type: 'bar',
  data: { labels: [], datasets: [{ label: 'denied', data: [], backgroundColor: '#b00020' }] },
  options: { animation: false, responsive: true, indexAxis: 'y', plugins: { legend: { display: false } } }
});

function decisionRow(d) {
  const tr = el('tr');
  tr.dataset.eventId = d.eventId;
  tr.appendChild(el('td', new Date(d.decidedAt).toLocaleTimeString(), 'time'));
  tr.appendChild(el('td', d.outcome, 'outcome ' + (d.outcome === 'GRANTED' ? 'granted' : 'denied')));
  tr.appendChild(el('td', d.person || '-', 'person'));
  tr.appendChild(el('td', d.reason, 'reason'));
  tr.appendChild(el('td', d.distance === null ? '-'
    : d.distance.toFixed(4) + (d.distance <= d.threshold ? ' \u2264 ' : ' > ') + d.threshold.toFixed(4), 'distance'));
  tr.appendChild(el('td', d.latencyMs + ' ms', 'latency'));
  const sig = d.signature === null ? '' : (d.signature === 'ok' ? 'signed' : d.signature);
  tr.appendChild(el('td', sig, 'signature ' + (d.signature === null ? '' : d.signature === 'ok' ? 'ok' : 'bad')));
  const probe = el('td', null, 'probe');
  if (d.probe) {
    const img = el('img', null, 'probe');
    img.src = d.probe;
    img.alt = 'probe';
    probe.appendChild(img);
  }
  tr.appendChild(probe);
  if (d.detail) tr.title = d.detail;
  return tr;
}

function renderDoors() {
  const section = document.getElementById('doors');
  const ids = [...doors.keys()].sort();
  section.replaceChildren(...ids.map(id => {
    const card = el('div', null, 'card door');
    card.dataset.door = id;
    card.appendChild(el('h2', 'door ' + id));
    const table = el('table');
    const head = el('tr');
    ['time', 'outcome', 'person', 'reason', 'distance vs threshold', 'latency', 'signature', ''].forEach(h => head.appendChild(el('th', h)));
    table.appendChild(head);
    doors.get(id).forEach(d => table.appendChild(decisionRow(d)));
    card.appendChild(table);
    return card;
  }));
}

function fillTable(id, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows.map(cells => {
    const tr = el('tr');
    cells.forEach(c => tr.appendChild(typeof c === 'object' && c !== null ? c : el('td', c)));
    return tr;
  }));
}

function render(m) {
  if (m.full) doors.clear();
  for (const d of m.decisions) {
    const list = doors.get(d.door) || [];
    list.unshift(d);
    if (list.length > PER_DOOR) list.length = PER_DOOR;
    doors.set(d.door, list);
  }
  if (m.full || m.decisions.length > 0) renderDoors();
  const s = m.stats;
  document.getElementById('granted').textContent = s.granted;
  document.getElementById('denied').textContent = s.denied;
  document.getElementById('p50').textContent = s.latencyMs.p50 < 0 ? '-' : s.latencyMs.p50;
  document.getElementById('p95').textContent = s.latencyMs.p95 < 0 ? '-' : s.latencyMs.p95;
  document.getElementById('p99').textContent = s.latencyMs.p99 < 0 ? '-' : s.latencyMs.p99;
  document.getElementById('total').textContent = s.decisionsTotal;
  document.getElementById('deadTotal').textContent = s.deadLettersTotal;
  document.getElementById('feedProblem').textContent = m.feedProblem ? 'decision reader stopped: ' + m.feedProblem : '';
  rateChart.data.datasets[0].data = s.grantedPerSecond;
  rateChart.data.datasets[1].data = s.deniedPerSecond;
  rateChart.update('none');
  reasonChart.data.labels = Object.keys(s.deniedByReason);
  reasonChart.data.datasets[0].data = Object.values(s.deniedByReason);
  reasonChart.update('none');
  fillTable('deadLetters', Object.entries(s.deadLettersByReason));
  const p = m.processors || {};
  document.getElementById('group').textContent = p.group || '';
  fillTable('processors', (p.instances || []).map(i => [i.url,
    el('td', i.health, i.health === 'UP' ? 'ok' : 'bad'), i.ready ? 'yes' : 'no',
    i.modelVersion || '-', i.gallery ?? '-', i.eventsRead ?? '-']));
  fillTable('lag', (p.lag || []).map(l => [l.partition, l.committed, l.end, l.lag]));
  counters.messages++;
  counters.decisions += m.decisions.length;
  counters.renders++;
  const secs = (Date.now() - counters.since) / 1000;
  document.getElementById('updates').textContent =
    (counters.messages / secs).toFixed(1) + ' updates/s' + (m.notShown ? ', ' + m.notShown + ' older decisions of this update not listed' : '');
}

const source = new EventSource('/events');
source.addEventListener('update', e => render(JSON.parse(e.data)));
source.onopen = () => { const c = document.getElementById('connection'); c.textContent = 'live'; c.className = 'ok'; };
source.onerror = () => { const c = document.getElementById('connection'); c.textContent = 'reconnecting'; c.className = 'bad'; };
