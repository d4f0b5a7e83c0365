// The live dashboard in a real browser: headless Chromium opens /dashboard of the real server
// (fresh database, demo salon), signs in, and watches simulated calls placed with
// `salon-phone call`: live rows, outcomes, the booking, today's numbers, the 30-day chart (read
// from Chart.js), the shops table, and a reconnect after the network drops the socket.
// Screenshots go to SALON_SCREENSHOT_DIR (the build folder's screenshots/).

import assert from 'node:assert/strict';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {isDeepStrictEqual} from 'node:util';

import {
  DroppingProxy, ScratchDatabase, ServerProcess, eventually, launchChromium, placeCall,
  removeFolder, scratchFolder, screenshotFolder,
} from './support.mjs';

const adminKey = 'browser-test-admin-key';
const twilioToken = 'browser-test-twilio-token';
const shopName = 'Studio Nine Hair & Color';
const bookingCaller = '+15555550100';
const secondCaller = '+18085550177';

// What the page shows, read from the DOM in one go.
function readBoard(page) {
  return page.evaluate(() => {
    const text = (node) => node.textContent.trim();
    const rows = (selector) =>
      [...document.querySelectorAll(selector)].map((row) => [...row.cells].map(text));
    return {
      loginShown: !document.getElementById('login').hidden &&
                  document.getElementById('login').offsetParent !== null,
      loginError: text(document.getElementById('login-error')),
      boardShown: document.getElementById('board').offsetParent !== null,
      connection: {
        state: document.getElementById('connection').dataset.state,
        text: text(document.getElementById('connection')),
      },
      tiles: {
        live: text(document.getElementById('live-count')),
        calls: text(document.getElementById('calls-today')),
        bookings: text(document.getElementById('bookings-today')),
        conversion: text(document.getElementById('conversion-today')),
        revenue: text(document.getElementById('revenue-today')),
      },
      live: rows('#live-calls tr[data-sid]'),
      recent: [...document.querySelectorAll('#recent-calls li')].map(
          (li) => ({outcome: li.dataset.outcome, text: text(li)})),
      appointments: [...document.querySelectorAll('#appointments li[data-id]')].map(text),
      shops: rows('#shops tr[data-location="1"]'),
    };
  });
}

// The chart as Chart.js holds it: labels, and each outcome's numbers.
function readChart(page) {
  return page.evaluate(() => {
    const chart = typeof Chart === 'undefined' ? null :
                  Chart.getChart(document.getElementById('calls-chart'));
    if (!chart) return null;
    const totals = {};
    for (const set of chart.data.datasets) totals[set.label] = set.data.reduce((a, b) => a + b, 0);
    return {type: chart.config.type, days: chart.data.labels.length, totals};
  });
}

const liveRowOf = (board, maskedCaller) => board.live.find((cells) => cells[1] === maskedCaller);
const seconds = (clock) => {
  const [m, s] = clock.split(':').map(Number);
  return m * 60 + s;
};

describe('the live dashboard in headless Chromium', () => {
  let database, server, proxy, browser, page, scratch, shots;
  const calls = {};

  before(async () => {
    scratch = scratchFolder('browser');
    database = new ScratchDatabase();
    server = await ServerProcess.start({
      DATABASE_URL: database.url,
      ADMIN_API_KEY: adminKey,
      TWILIO_AUTH_TOKEN: twilioToken,
      PHONE_TO_LOCATION_MAP: '{"+18084826296": 1}',
      SPOOL_DIR: path.join(scratch, 'spool'),
    });
    proxy = await DroppingProxy.start(server.port);
    browser = await launchChromium();
    // Far from the salon's Pacific/Honolulu, so that times shown in the salon's zone tell.
    page = await browser.newPage(
        {viewport: {width: 1440, height: 1100}, locale: 'en-US', timezoneId: 'Europe/Berlin'});
    shots = screenshotFolder();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    if (server) {
      const code = await server.stop();
      if (code !== 0) console.error(`server exit ${code}; its log:\n${server.output}`);
      assert.equal(code, 0, 'the server stops cleanly');
    }
    database?.drop();
    if (scratch) removeFolder(scratch);
  });

  const shoot = (name) => page.screenshot({path: path.join(shots, `${name}.png`), fullPage: true});

  it('asks for the token, refuses a wrong one, and opens the board with the right one', async () => {
    await page.goto(`${proxy.url}/dashboard`);
    let board = await readBoard(page);
    assert.ok(board.loginShown, 'the token form is shown');
    assert.ok(!board.boardShown, 'the board stays hidden until signed in');

    await page.fill('#token', 'not-the-key');
    await page.click('#login button');
    board = await eventually('the refusal of a wrong token', () => readBoard(page),
                             (b) => b.loginShown && b.loginError !== '');
    assert.match(board.loginError, /refused/);

    await page.fill('#token', adminKey);
    await page.click('#login button');
    board = await eventually('the feed to open', () => readBoard(page),
                             (b) => b.connection.state === 'live');
    assert.ok(!board.loginShown);
    assert.ok(board.boardShown);
    assert.deepEqual(board.tiles,
                     {live: '0', calls: '0', bookings: '0', conversion: '0%', revenue: '$0'});
    assert.deepEqual(board.live, []);
    await shoot('signed-in');
  });

  it('lists the demo salon and draws 30 empty days before any call', async () => {
    const shops = await eventually('the shops table', () => readBoard(page),
                                   (b) => b.shops.length === 1);
    assert.equal(shops.shops[0][0], shopName);
    assert.equal(shops.shops[0][1], '0', 'no calls today yet');
    const chart = await eventually('the chart', () => readChart(page), (c) => c !== null);
    assert.equal(chart.type, 'bar');
    assert.equal(chart.days, 30);
    assert.deepEqual(chart.totals, {booked: 0, inquiry: 0, transferred: 0, missed: 0});
  });

  it('shows each finished call with its outcome', async () => {
    const finished = await Promise.all([
      placeCall(server, {twilioToken, say: ['Can I talk to a real person?']}),
      placeCall(server, {twilioToken, from: '+14155550142'}),  // never speaks
      placeCall(server, {twilioToken, from: '+14155550199', say: ['What are your hours?']}),
    ]);
    for (const call of finished) assert.equal(call.code, 0, call.output);
    const board = await eventually('three calls under "Just happened"', () => readBoard(page),
                                   (b) => b.recent.length === 3);
    assert.deepEqual(board.recent.map((r) => r.outcome).sort(),
                     ['inquiry', 'missed', 'transferred']);
    for (const item of board.recent) assert.ok(item.text.includes(shopName), item.text);
    // The chart and the shops table follow a little after calls end, without a reload.
    const totals = {booked: 0, inquiry: 1, transferred: 1, missed: 1};
    await eventually('the chart to count them', () => readChart(page),
                     (c) => isDeepStrictEqual(c?.totals, totals));
    await eventually('the shops table to count them (today, 30 days)', () => readBoard(page),
                     (b) => isDeepStrictEqual(b.shops[0]?.slice(1, 3), ['3', '3']));
  });

  it('shows calls live: shop, masked caller, a ticking duration and the intent', async () => {
    calls.booking = placeCall(server, {
      twilioToken, from: bookingCaller, thinkMs: 1500,
      say: ["Can I book a women's haircut friday at 10", 'My name is Jane Doe', 'Yes'],
    });
    calls.second = placeCall(server, {
      twilioToken, from: secondCaller, thinkMs: 1500,
      // Longer than the booking call, so it is still live when the appointment shows.
      say: ['How much is a balayage?', 'And what are your hours?', 'Do you have parking?',
            'Who does color?', 'Thanks'],
    });
    let board = await eventually('two live calls', () => readBoard(page),
                                 (b) => b.live.length === 2);
    assert.equal(board.tiles.live, '2');
    const row = liveRowOf(board, '+1******0100');
    assert.ok(row, `the booking caller, masked, in ${JSON.stringify(board.live)}`);
    assert.ok(liveRowOf(board, '+1******0177'), 'the second caller, masked');
    assert.equal(row[0], shopName);
    assert.ok(!board.live.flat().some((cell) => cell.includes('5555550100')),
              'the full number is never shown');

    const first = seconds(row[2]);
    board = await eventually('the duration to tick', () => readBoard(page),
                             (b) => liveRowOf(b, '+1******0100') &&
                                    seconds(liveRowOf(b, '+1******0100')[2]) > first);
    board = await eventually('the intent of the booking call', () => readBoard(page),
                             (b) => liveRowOf(b, '+1******0100')?.[3] === 'book' &&
                                    liveRowOf(b, '+1******0177')?.[3] !== 'unknown');
    await shoot('live-calls');
  });

  it('ends the call as booked and shows the new appointment', async () => {
    await eventually('the appointment', () => readBoard(page), (b) => b.appointments.length > 0);
    await shoot('dashboard');
    const [booking, second] = await Promise.all([calls.booking, calls.second]);
    assert.equal(booking.code, 0, booking.output);
    assert.match(booking.output, /You're all set/, 'the salon confirmed the booking');
    assert.equal(second.code, 0, second.output);

    const board = await eventually('both calls to end', () => readBoard(page),
                                   (b) => b.live.length === 0 && b.recent.length === 5);
    assert.deepEqual(board.recent.slice(0, 2).map((r) => r.outcome).sort(), ['booked', 'inquiry']);
    assert.equal(board.appointments.length, 1);
    assert.match(board.appointments[0], /Women's Haircut/);
    assert.match(board.appointments[0], /Jane Doe/);
    assert.match(board.appointments[0], /\$65/);
    // Friday at 10 in the salon's time zone, whatever the browser's.
    assert.match(board.appointments[0], /Fri, [A-Z][a-z]{2} \d{1,2}, 10:00\sAM/);
    assert.match(board.appointments[0], /\(phone\)/);
  });

  it("moves today's numbers, the chart and the shops table", async () => {
    // Five calls: one booked, two inquiries, one transferred (answered: 4) and one missed.
    // The numbers follow within a metrics period (and the history a little after the last
    // call ended); on the way they may show a moment with a call still unsettled.
    const tiles = {live: '0', calls: '5', bookings: '1', conversion: '25%', revenue: '$65'};
    await eventually("today's numbers", () => readBoard(page),
                     (b) => isDeepStrictEqual(b.tiles, tiles));
    const totals = {booked: 1, inquiry: 2, transferred: 1, missed: 1};
    await eventually('the chart to count the calls', () => readChart(page),
                     (c) => isDeepStrictEqual(c?.totals, totals));
    const row = [shopName, '5', '5', '25%', '1', '$65'];
    await eventually('the shops table to count the calls', () => readBoard(page),
                     (b) => isDeepStrictEqual(b.shops[0]?.slice(0, 6), row));
    await shoot('after-calls');
  });

  it('says so when the socket drops, and reconnects', async () => {
    const before = proxy.accepted;
    proxy.drop();
    const offline = await eventually('the reconnect notice', () => readBoard(page),
                                     (b) => b.connection.state === 'offline');
    assert.match(offline.connection.text, /disconnected.*retrying in \d+s/);
    await shoot('reconnecting');
    const back = await eventually('the feed to come back', () => readBoard(page),
                                  (b) => b.connection.state === 'live');
    assert.ok(proxy.accepted > before, 'a new connection went through');
    assert.equal(back.tiles.calls, '5', 'the snapshot after reconnecting has the numbers');
  });

  it('keeps the token for the tab only', async () => {
    await page.reload();
    const board = await eventually('the board after a reload', () => readBoard(page),
                                   (b) => b.connection.state === 'live');
    assert.ok(!board.loginShown, 'no second prompt in the same tab');
    const other = await browser.newPage();
    await other.goto(`${proxy.url}/dashboard`);
    const fresh = await readBoard(other);
    assert.ok(fresh.loginShown, 'a new tab asks again');
    await other.close();
  });
});
