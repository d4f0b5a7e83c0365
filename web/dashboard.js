// The live operations dashboard: WS /ops for what happens now, the admin API for the last 30
// days. No build step: plain browser JavaScript, Chart.js from Debian's libjs-chart.js.
'use strict';

const TOKEN_KEY = 'salon-ops-token';
const params = new URLSearchParams(location.search);
const shopFilter = params.get('shop');  // optional: one shop (location id or uuid)

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  socket: null,
  retryDelay: 1000,
  retryTimer: null,
  historyTimer: null,  // a refresh of the chart and the shops after calls end
  intervals: [],
  live: new Map(),  // call sid -> live call
  zones: new Map(),  // location id -> the shop's IANA time zone, from the overview
  names: new Map(),  // location id -> the shop's name, from the overview and the feed
  chart: null,
};

const $ = (id) => document.getElementById(id);

function money(cents) {
  return '$' + (cents / 100).toLocaleString(undefined, {maximumFractionDigits: 0});
}

function percent(fraction) {
  return Math.round((fraction || 0) * 100) + '%';
}

function clock(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return `${m}:${s}`;
}

// Times as the salon's clock shows them (a platform admin may sit in another time zone); the
// browser's zone until the overview has told the shop's.
function shopTime(iso, locationId, format) {
  const timeZone = state.zones.get(locationId);
  return new Date(iso).toLocaleString([], timeZone ? {...format, timeZone} : format);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function pill(text, kind) {
  return el('span', {class: 'pill ' + (kind || text)}, text);
}

// A call's turns and its end name the shop by location id only; its name came before.
function shopName(shop) {
  if (!shop) return '—';
  if (shop.name) {
    state.names.set(shop.location_id, shop.name);
    return shop.name;
  }
  return state.names.get(shop.location_id) ||
      (shop.location_id ? 'Location ' + shop.location_id : '—');
}

function setConnection(kind, text) {
  const badge = $('connection');
  badge.className = 'state ' + kind;
  badge.dataset.state = kind;
  badge.textContent = text;
}

// ---- live calls ----

function renderLive() {
  const body = $('live-calls');
  body.replaceChildren();
  if (state.live.size === 0) {
    body.append(el('tr', {class: 'empty'}, el('td', {colspan: 5}, 'No calls right now')));
  }
  for (const [sid, call] of state.live) {
    const row = el('tr', {'data-sid': sid, class: call.fresh ? 'fresh' : ''},
                   el('td', {}, shopName(call.shop)), el('td', {}, call.caller),
                   el('td', {class: 'duration', 'data-started': call.started_at}, ''),
                   el('td', {class: 'intent'}, call.intent || 'unknown'),
                   el('td', {}, pill(call.sentiment_label || 'neutral')));
    call.fresh = false;
    body.append(row);
  }
  $('live-count').textContent = state.live.size;
  tick();
}

function tick() {
  for (const cell of document.querySelectorAll('#live-calls .duration')) {
    cell.textContent = clock((Date.now() - Date.parse(cell.dataset.started)) / 1000);
  }
}

function addRecent(event, shop) {
  const list = $('recent-calls');
  const call = event.call;
  const item = el('li', {class: 'fresh', 'data-sid': call.sid, 'data-outcome': call.outcome},
                  pill(call.outcome), ' ', shopName(shop), ' · ', clock(call.duration_seconds),
                  ' · ', el('span', {class: 'muted'}, call.intent));
  list.prepend(item);
  while (list.children.length > 8) list.lastChild.remove();
}

function addAppointment(event) {
  const list = $('appointments');
  list.querySelector('.empty')?.remove();
  const a = event.appointment;
  const when = shopTime(a.starts_at, event.shop?.location_id, {
    weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit'});
  const item = el('li', {class: 'fresh', 'data-id': a.id},
                  el('strong', {}, a.service), ' with ', a.resource, ' · ', when, ' · ',
                  a.customer_name || 'caller', ' · ', money(a.revenue_cents), ' ',
                  el('span', {class: 'muted'}, shopName(event.shop) + ' (' + a.source + ')'));
  list.prepend(item);
  while (list.children.length > 10) list.lastChild.remove();
}

function showToday(today) {
  $('calls-today').textContent = today.calls_today;
  $('bookings-today').textContent = today.bookings_today;
  $('conversion-today').textContent = percent(today.conversion_today);
  $('revenue-today').textContent = money(today.revenue_today_cents);
}

function onEvent(event) {
  switch (event.type) {
    case 'snapshot':
      state.live.clear();
      for (const call of event.live_calls) state.live.set(call.sid, call);
      renderLive();
      showToday(event.today);
      break;
    case 'call_started':
      state.live.set(event.call.sid, {
        ...event.call, shop: event.shop, intent: 'unknown', sentiment_label: 'neutral', fresh: true});
      renderLive();
      break;
    case 'call_turn': {
      const call = state.live.get(event.call.sid);
      if (call) Object.assign(call, event.call);
      renderLive();
      break;
    }
    case 'call_ended': {
      const shop = state.live.get(event.call.sid)?.shop || event.shop;
      state.live.delete(event.call.sid);
      renderLive();
      addRecent(event, shop);
      refreshHistorySoon();
      break;
    }
    case 'appointment_created':
      addAppointment(event);
      refreshHistorySoon();
      break;
    case 'appointment_cancelled':
      document.querySelector(`#appointments li[data-id="${event.appointment.id}"]`)
          ?.classList.add('muted');
      refreshHistorySoon();
      break;
    case 'shop_updated':
      loadHistory();
      break;
    case 'metrics':
      showToday(event.metrics);
      break;
  }
}

// ---- the feed ----

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({access_token: state.token});
  if (shopFilter) query.set('shop', shopFilter);
  setConnection('connecting', 'connecting…');
  const socket = new WebSocket(`${scheme}//${location.host}/ops?${query}`);
  state.socket = socket;
  let opened = false;
  socket.onopen = () => {
    opened = true;
    state.retryDelay = 1000;
    setConnection('live', 'live');
  };
  // A message holds one event per line: several when they came faster than the socket took them.
  socket.onmessage = (message) => {
    for (const line of message.data.split("\n")) onEvent(JSON.parse(line));
  };
  socket.onclose = async (close) => {
    // A refused upgrade looks like any failed connection; ask the HTTP API whether the token
    // is the reason, since retrying with a wrong token would never end.
    const refused = !opened && await tokenRefused();
    if (state.socket !== socket) return;  // signed out meanwhile
    if (refused) {
      signOut('The server refused that token.');
      return;
    }
    const seconds = Math.round(state.retryDelay / 1000);
    const why = close.reason ? ` (${close.reason})` : '';
    setConnection('offline', `disconnected${why} — retrying in ${seconds}s`);
    state.retryTimer = setTimeout(connect, state.retryDelay);
    state.retryDelay = Math.min(state.retryDelay * 2, 30000);
  };
}

async function tokenRefused() {
  try {
    const response = await fetch('/shops', {headers: {Authorization: 'Bearer ' + state.token}});
    return response.status === 401;
  } catch {
    return false;  // the server is away: keep retrying
  }
}

// ---- history (admin API) ----

async function api(path) {
  const response = await fetch(path, {headers: {Authorization: 'Bearer ' + state.token}});
  if (response.status === 401) signOut('The server refused that token.');
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function renderShops(shops) {
  const body = $('shops');
  body.replaceChildren();
  for (const shop of shops) {
    if (shop.timezone) state.zones.set(shop.location_id, shop.timezone);
    state.names.set(shop.location_id, shop.business_name);
    const lastCall = shop.last_call_at &&
        shopTime(shop.last_call_at, shop.location_id, {hour: 'numeric', minute: '2-digit'});
    body.append(el('tr', {'data-location': shop.location_id}, el('td', {}, shop.business_name),
                   el('td', {}, shop.calls.today), el('td', {}, shop.calls.total),
                   el('td', {}, percent(shop.conversion_rate)),
                   el('td', {}, shop.appointments_booked), el('td', {}, money(shop.booked_revenue_cents)),
                   el('td', {}, lastCall || '—')));
  }
}

// Calls per day by outcome, summed over the shops shown.
function drawChart(series) {
  const days = [...series.keys()].sort();
  const outcomes = [
    ['booked', '#2f8f5b'], ['inquiry', '#5b7fb5'], ['transferred', '#c9892b'],
    ['missed', '#c0392b']];
  const data = {
    labels: days.map((d) => d.slice(5)),
    datasets: outcomes.map(([name, color]) => ({
      label: name, backgroundColor: color, data: days.map((d) => series.get(d)[name] || 0)})),
  };
  if (typeof Chart === 'undefined') {
    $('chart-note').textContent = '(Chart.js missing on the server)';
    return;
  }
  if (state.chart) {
    state.chart.data = data;
    state.chart.update();
    return;
  }
  state.chart = new Chart($('calls-chart'), {
    type: 'bar', data,
    options: {
      animation: false, responsive: true, aspectRatio: 4,
      scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}},
      plugins: {legend: {position: 'bottom'}},
    },
  });
}

// Calls end in bursts: one refresh a little after the last of them.
function refreshHistorySoon() {
  clearTimeout(state.historyTimer);
  state.historyTimer = setTimeout(loadHistory, 2000);
}

async function loadHistory() {
  try {
    const overview = await api('/admin/shops/overview');
    let shops = overview.shops;
    if (shopFilter) {
      shops = shops.filter((s) => String(s.location_id) === shopFilter || s.shop_id === shopFilter);
    }
    renderShops(shops);
    const series = new Map();
    for (const shop of shops.slice(0, 25)) {
      const metrics = await api(`/admin/shop/${shop.location_id}/metrics?days=30`);
      for (const day of metrics.timeseries) {
        const sum = series.get(day.date) || {};
        for (const key of ['booked', 'inquiry', 'transferred', 'missed']) {
          sum[key] = (sum[key] || 0) + day[key];
        }
        series.set(day.date, sum);
      }
    }
    drawChart(series);
    $('chart-note').textContent = '';
  } catch (error) {
    $('chart-note').textContent = `(history unavailable: ${error.message})`;
  }
}

// ---- start ----

function start() {
  $('login').hidden = true;
  $('board').hidden = false;
  connect();
  loadHistory();
  state.intervals = [setInterval(tick, 1000), setInterval(loadHistory, 60000)];
}

// Back to the token form, with why.
function signOut(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  const socket = state.socket;
  state.socket = null;
  socket?.close();
  clearTimeout(state.retryTimer);
  clearTimeout(state.historyTimer);
  state.intervals.forEach(clearInterval);
  state.intervals = [];
  state.retryDelay = 1000;
  $('board').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = why || '';
  $('login-error').hidden = !why;
  setConnection('offline', 'not signed in');
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = $('token').value.trim();
  if (!state.token) return;
  sessionStorage.setItem(TOKEN_KEY, state.token);
  start();
});

if (state.token) {
  start();
} else {
  signOut();
}
