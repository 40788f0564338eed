'use strict';

// The timer bar with staff extensions, staff pauses and learner breaks (payload fields paused, on_break,
// extension_minutes, break_minutes_allowed, break_minutes_remaining).

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click, manualIntervals} = require('./helpers');

const {edx} = setup();
const pe = edx.courseware.proctored_exam;
const timer = pe.timer;

const SERVER_NOW = Date.parse('2026-03-01T10:00:00Z');
const POLL_URL = '/api/edx_proctoring/v1/proctored_exam/attempt';
const ATTEMPT_URL = '/api/edx_proctoring/v1/proctored_exam/attempt/7';

// -- pure functions --------------------------------------------------------------------------------------

test('the clock holds the payload seconds while paused or on a break, and only then', () => {
    assert.equal(timer.frozenSeconds({paused: true, time_remaining_seconds: 300}), 300);
    assert.equal(timer.frozenSeconds({on_break: true, time_remaining_seconds: '90'}), 90);
    assert.equal(timer.frozenSeconds({paused: true, time_remaining_seconds: -4}), 0);
    assert.equal(timer.frozenSeconds({paused: false, time_remaining_seconds: 300}), null);
    assert.equal(timer.frozenSeconds(null), null);
    // The deadline keeps moving on the server while paused; the bar shows the same seconds whatever the time.
    const timing = timer.timingFromPayload({
        paused: true, time_remaining_seconds: 240, deadline: '2026-03-01T10:05:00Z', server_now: '2026-03-01T10:00:00Z',
    }, {requestStart: SERVER_NOW, requestEnd: SERVER_NOW});
    assert.equal(timer.remainingSeconds(timing, SERVER_NOW), 240);
    assert.equal(timer.remainingSeconds(timing, SERVER_NOW + 600000), 240);
});

test('adjustment fields are normalised; breaks need a positive allowance', () => {
    assert.deepEqual(timer.adjustmentState({}), {
        paused: false, onBreak: false, extensionMinutes: 0, breakMinutesAllowed: null, breakMinutesRemaining: null,
    });
    assert.deepEqual(timer.adjustmentState({
        paused: 1, on_break: false, extension_minutes: '10', break_minutes_allowed: 5, break_minutes_remaining: 3,
    }), {paused: true, onBreak: false, extensionMinutes: 10, breakMinutesAllowed: 5, breakMinutesRemaining: 3});
    assert.equal(timer.adjustmentState({break_minutes_allowed: 0, break_minutes_remaining: 0}).breakMinutesAllowed, null);
    assert.equal(timer.adjustmentState({break_minutes_allowed: 5, break_minutes_remaining: null}).breakMinutesRemaining, 0);
    assert.equal(timer.clockState(timer.adjustmentState({paused: true, on_break: true})), 'paused');
    assert.equal(timer.clockState(timer.adjustmentState({on_break: true})), 'break');
    assert.equal(timer.clockState(timer.adjustmentState({})), 'running');
});

test('messages for extensions, revocations, pauses and breaks', () => {
    assert.equal(timer.extensionMessage(0, '10:25'), '');
    assert.equal(timer.extensionMessage(10, '10:25'),
        '10 minutes were added to your exam time. Your exam now ends at 10:25.');
    assert.equal(timer.extensionMessage(1, ''), '1 minute was added to your exam time.');
    assert.equal(timer.extensionMessage(-5, '10:20'),
        '5 minutes were taken off your exam time. Your exam now ends at 10:20.');
    assert.equal(timer.clockStateMessage('running', 'running'), '');
    assert.match(timer.clockStateMessage('running', 'paused'), /paused your exam/);
    assert.match(timer.clockStateMessage('running', 'break'), /on a break/);
    assert.match(timer.clockStateMessage('paused', 'running'), /resumed/);
    assert.match(timer.clockStateMessage('break', 'running'), /break is over/);
    assert.equal(timer.breakBudgetText(3), 'Break time left: 3 minutes');
    assert.equal(timer.breakBudgetText(1), 'Break time left: 1 minute');
    assert.equal(timer.breakBudgetText(0), 'No break time left.');
});

test('the end time is the deadline on the browser clock, whatever its skew', () => {
    const timing = {deadlineMs: Date.parse('2026-03-01T10:25:00Z'), offsetMs: 3600 * 1000};
    const local = new Date(Date.parse('2026-03-01T09:25:00Z'));
    const text = timer.formatEndTime(timing);
    assert.match(text, /\d{1,2}[:.]\d{2}/);
    assert.ok(text.includes(String(local.getMinutes())), text);
    assert.equal(timer.formatEndTime({deadlineMs: NaN, offsetMs: 0}), '');
    assert.equal(timer.formatEndTime(null), '');
});

// -- the view --------------------------------------------------------------------------------------------

const TEMPLATE = `
<div class="exam-timer">
  <span id="time_remaining_id"><b></b></span>
  <button type="button" class="exam-button-turn-in-exam">End my exam</button>
</div>`;

function payload(overrides) {
    return Object.assign({
        in_timed_exam: true,
        taking_as_proctored: false,
        exam_display_name: 'Midterm',
        exam_url_path: '/courses/c/jump_to/x',
        time_remaining_seconds: 300,
        low_threshold_sec: 0,
        critically_low_threshold_sec: 0,
        attempt_id: 7,
        attempt_status: 'started',
        exam_started_poll_url: ATTEMPT_URL,
        deadline: '2026-03-01T10:05:00Z',
        server_now: '2026-03-01T10:00:00Z',
        paused: false,
        on_break: false,
        extension_minutes: 0,
        break_minutes_allowed: null,
        break_minutes_remaining: null,
    }, overrides || {});
}

/** Serve `body` as the timer payload from now on. */
function serve(server, body) {
    server.route('GET', POLL_URL, 200, body);
}

async function mountTimer(body, options) {
    const env = setup();
    const {document, server} = env;
    const store = (options && options.store) || null;
    if (store) {
        globalThis.sessionStorage = {getItem: (k) => (store.has(k) ? store.get(k) : null), setItem: (k, v) => store.set(k, v)};
    } else {
        delete globalThis.sessionStorage;
    }
    const tpl = document.createElement('script');
    tpl.setAttribute('id', 'proctored-exam-status-tpl');
    tpl.innerHTML = TEMPLATE;
    document.body.appendChild(tpl);
    const el = document.createElement('div');
    el.setAttribute('class', 'proctored_exam_status');
    document.body.appendChild(el);
    serve(server, body);
    const clock = {now: SERVER_NOW};
    const intervals = manualIntervals();
    const reloads = [];
    const model = new globalThis.ProctoredExamModel({}, {now: () => clock.now});
    const view = new pe.ProctoredExamView({
        el,
        model,
        now: () => clock.now,
        reload: () => reloads.push(clock.now),
        navigate: () => null,
        setInterval: intervals.setInterval,
        clearInterval: intervals.clearInterval,
    });
    await settle();
    return {el, view, model, clock, intervals, reloads, server, document};
}

function shown(el) {
    return el.querySelector('#time_remaining_id b').textContent;
}

/** What the live region says once utils.announce has written it. */
async function announced(view) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return view.liveRegion.textContent;
}

async function poll(env, body, advanceMs) {
    env.clock.now += advanceMs === undefined ? 60000 : advanceMs;
    serve(env.server, body);
    env.intervals.runAll(60000);
    await settle();
}

test('a staff extension between two polls moves the clock, is shown with the new end time and announced', async () => {
    const env = await mountTimer(payload());
    const {el, view} = env;
    assert.equal(shown(el), '05:00');
    assert.equal(el.querySelector('.proctoring-time-added').hidden, true);
    await poll(env, payload({
        extension_minutes: 10, deadline: '2026-03-01T10:15:00Z', server_now: '2026-03-01T10:01:00Z', time_remaining_seconds: 840,
    }));
    assert.equal(shown(el), '14:00');
    const notice = el.querySelector('.proctoring-time-added');
    assert.equal(notice.hidden, false);
    assert.match(notice.textContent, /^10 minutes were added to your exam time\. Your exam now ends at \d{1,2}[:.]\d{2}/);
    assert.equal(await announced(view), notice.textContent);
    assert.equal(view.liveRegion.getAttribute('aria-live'), 'polite');
    assert.equal(env.reloads.length, 0, 'an extension does not reload the page');

    // The same extension at the next poll is not announced again; a revocation is.
    view.liveRegion.textContent = '';
    await poll(env, payload({extension_minutes: 10, deadline: '2026-03-01T10:15:00Z', server_now: '2026-03-01T10:02:00Z'}));
    assert.equal(await announced(view), '');
    await poll(env, payload({extension_minutes: 4, deadline: '2026-03-01T10:09:00Z', server_now: '2026-03-01T10:03:00Z'}));
    assert.equal(shown(el), '06:00');
    assert.match(await announced(view), /^6 minutes were taken off your exam time/);
});

test('an extension granted while the page was reloading is announced from what the learner last saw', async () => {
    const store = new Map();
    await mountTimer(payload({extension_minutes: 0}), {store});
    const env = await mountTimer(payload({extension_minutes: 15, deadline: '2026-03-01T10:20:00Z'}), {store});
    assert.match(env.el.querySelector('.proctoring-time-added').textContent, /^15 minutes were added/);
    assert.match(await announced(env.view), /^15 minutes were added/);
    // A third page with nothing new says nothing.
    const third = await mountTimer(payload({extension_minutes: 15, deadline: '2026-03-01T10:20:00Z'}), {store});
    assert.equal(third.el.querySelector('.proctoring-time-added').hidden, true);
    assert.equal(await announced(third.view), '');
    delete globalThis.sessionStorage;
});

test('a staff pause stops the clock and reloads the page for the paused page; the resume reloads again', async () => {
    const store = new Map();
    const env = await mountTimer(payload(), {store});
    await poll(env, payload({paused: true, time_remaining_seconds: 240, server_now: '2026-03-01T10:01:00Z',
        deadline: '2026-03-01T10:06:00Z'}));
    assert.equal(env.reloads.length, 1, 'the page reloads to show the paused page');
    assert.equal(env.intervals.count, 0);

    // The reloaded page: the bar holds 04:00, says paused and announces it.
    const paused = await mountTimer(payload({paused: true, time_remaining_seconds: 240, server_now: '2026-03-01T10:01:00Z',
        deadline: '2026-03-01T10:06:00Z'}), {store});
    const {el, clock, intervals, view} = paused;
    assert.equal(shown(el), '04:00');
    assert.ok(el.classList.contains('is-paused'));
    const note = el.querySelector('.proctoring-timer-state');
    assert.equal(note.hidden, false);
    assert.match(note.textContent, /Paused by course staff/);
    assert.match(await announced(view), /Course staff paused your exam/);
    clock.now += 10 * 60 * 1000; // ten minutes later: still 04:00, never expired
    intervals.runAll(1000);
    assert.equal(shown(el), '04:00');
    assert.equal(paused.reloads.length, 0);
    assert.equal(el.querySelector('.proctoring-time-added').hidden, true);

    // Resumed with the same four minutes left: the page reloads for the exam again...
    await poll(paused, payload({time_remaining_seconds: 240, server_now: '2026-03-01T10:11:00Z', deadline: '2026-03-01T10:15:00Z'}), 0);
    assert.equal(paused.reloads.length, 1);
    // ...where the clock runs from 04:00 and says it was resumed.
    const resumed = await mountTimer(payload({time_remaining_seconds: 240, server_now: '2026-03-01T10:11:00Z',
        deadline: '2026-03-01T10:15:00Z'}), {store});
    assert.equal(shown(resumed.el), '04:00');
    assert.ok(!resumed.el.classList.contains('is-paused'));
    assert.equal(resumed.el.querySelector('.proctoring-timer-state').hidden, true);
    assert.match(await announced(resumed.view), /resumed/);
    resumed.clock.now += 30000;
    resumed.intervals.runAll(1000);
    assert.equal(shown(resumed.el), '03:30');
    delete globalThis.sessionStorage;
});

test('without a break allowance there is no break control', async () => {
    const {el} = await mountTimer(payload());
    assert.equal(el.querySelector('.proctoring-timer-break').hidden, true);
});

test('"Take a break" sends start_break once, then the bar follows the payload (budget shown)', async () => {
    const env = await mountTimer(payload({break_minutes_allowed: 5, break_minutes_remaining: 5}));
    const {el, server} = env;
    const breakBox = el.querySelector('.proctoring-timer-break');
    assert.equal(breakBox.hidden, false);
    assert.equal(el.querySelector('.proctoring-break-remaining').textContent, 'Break time left: 5 minutes');
    const button = el.querySelector('.js-timer-break');
    assert.equal(button.textContent, 'Take a break');
    server.route('PUT', ATTEMPT_URL, 200, {exam_attempt_id: 7});
    serve(server, payload({break_minutes_allowed: 5, break_minutes_remaining: 5, on_break: true, time_remaining_seconds: 300}));
    click(button);
    click(button);
    await settle();
    const puts = server.callsTo('PUT', ATTEMPT_URL);
    assert.equal(puts.length, 1);
    assert.deepEqual(puts[0].body, {action: 'start_break'});
    assert.equal(puts[0].headers['X-CSRFToken'], 'tok=123');
    assert.equal(env.reloads.length, 1, 'the page reloads once the break has begun');
});

test('on a break the clock holds, "End break" sends end_break, and the budget left is shown after', async () => {
    const store = new Map();
    const onBreak = payload({on_break: true, break_minutes_allowed: 5, break_minutes_remaining: 4, time_remaining_seconds: 200});
    const env = await mountTimer(onBreak, {store});
    const {el, server, clock, intervals, view} = env;
    assert.ok(el.classList.contains('is-on-break'));
    assert.match(el.querySelector('.proctoring-timer-state').textContent, /On a break/);
    assert.match(await announced(view), /You are on a break/);
    assert.equal(el.querySelector('.proctoring-break-remaining').textContent, 'Break time left: 4 minutes');
    assert.equal(shown(el), '03:20');
    clock.now += 90000;
    intervals.runAll(1000);
    assert.equal(shown(el), '03:20');
    const button = el.querySelector('.js-timer-break');
    assert.equal(button.textContent, 'End break');
    assert.equal(button.getAttribute('data-action'), 'end-break');

    // Two minutes of break later the poll shows 3 minutes of budget left, still on the break.
    await poll(env, Object.assign({}, onBreak, {break_minutes_remaining: 3}));
    assert.equal(el.querySelector('.proctoring-break-remaining').textContent, 'Break time left: 3 minutes');
    assert.equal(env.reloads.length, 0);

    server.route('PUT', ATTEMPT_URL, 200, {exam_attempt_id: 7});
    serve(server, payload({break_minutes_allowed: 5, break_minutes_remaining: 3, time_remaining_seconds: 200,
        deadline: '2026-03-01T10:06:20Z', server_now: '2026-03-01T10:03:00Z'}));
    click(button);
    await settle();
    assert.deepEqual(server.callsTo('PUT', ATTEMPT_URL)[0].body, {action: 'end_break'});
    assert.equal(env.reloads.length, 1);

    const after = await mountTimer(payload({break_minutes_allowed: 5, break_minutes_remaining: 3, time_remaining_seconds: 200,
        deadline: '2026-03-01T10:03:20Z'}), {store});
    assert.equal(shown(after.el), '03:20');
    assert.equal(after.el.querySelector('.proctoring-break-remaining').textContent, 'Break time left: 3 minutes');
    assert.equal(after.el.querySelector('.js-timer-break').textContent, 'Take a break');
    assert.match(await announced(after.view), /break is over/);
    delete globalThis.sessionStorage;
});

test('a spent budget ends the break on its own: the clock runs again and the button is gone', async () => {
    const env = await mountTimer(payload({on_break: true, break_minutes_allowed: 5, break_minutes_remaining: 1}));
    await poll(env, payload({break_minutes_allowed: 5, break_minutes_remaining: 0}));
    assert.equal(env.reloads.length, 1);
    const after = await mountTimer(payload({break_minutes_allowed: 5, break_minutes_remaining: 0}));
    assert.equal(after.el.querySelector('.proctoring-break-remaining').textContent, 'No break time left.');
    assert.equal(after.el.querySelector('.js-timer-break').hidden, true);
    after.clock.now += 5000;
    after.intervals.runAll(1000);
    assert.equal(shown(after.el), '04:55');
});

test('a refused break shows the server\'s reason and frees the button', async () => {
    const env = await mountTimer(payload({break_minutes_allowed: 5, break_minutes_remaining: 5}));
    const {el, server} = env;
    server.route('PUT', ATTEMPT_URL, 400, {detail: 'You cannot take a break while the exam is paused.'});
    const button = el.querySelector('.js-timer-break');
    click(button);
    await settle();
    const error = el.querySelector('.proctoring-timer-error');
    assert.equal(error.hidden, false);
    assert.equal(error.getAttribute('role'), 'alert');
    assert.equal(error.textContent, 'You cannot take a break while the exam is paused.');
    assert.equal(button.disabled, false);
    assert.equal(env.reloads.length, 0);
});

test('the break control is hidden while staff have paused the exam', async () => {
    const {el} = await mountTimer(payload({paused: true, break_minutes_allowed: 5, break_minutes_remaining: 5}));
    assert.equal(el.querySelector('.proctoring-timer-break').hidden, false);
    assert.equal(el.querySelector('.js-timer-break').hidden, true);
});

test('the adjustments area survives the template being rendered again', async () => {
    const env = await mountTimer(payload({break_minutes_allowed: 5, break_minutes_remaining: 5}));
    await poll(env, payload({attempt_status: 'ready_to_submit', break_minutes_allowed: 5, break_minutes_remaining: 5}));
    assert.equal(env.el.querySelectorAll('.proctoring-timer-adjustments').length, 1);
    assert.equal(env.el.querySelector('.proctoring-break-remaining').textContent, 'Break time left: 5 minutes');
});
