'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const {setup, settle, click} = require('./helpers');

const COLLECTION = '/api/edx_proctoring/v1/proctored_exam/attempt';
const ATTEMPT = '/api/edx_proctoring/v1/proctored_exam/attempt/12';

function mountPage(html) {
    const env = setup();
    const pe = env.edx.courseware.proctored_exam;
    const page = env.document.createElement('div');
    page.innerHTML = html;
    env.document.body.appendChild(page);
    pe.bindExamActions(env.document);
    return Object.assign(env, {pe, reloads: () => globalThis.location.reloads});
}

const ERROR_REGION = `
  <div class="exam-action-error" data-role="exam-action-error" role="alert" hidden>
    <p class="exam-action-error-message">Something went wrong.</p>
    <button type="button" data-action="dismiss-error">Close</button>
  </div>`;

test('starting a timed exam creates the attempt with the clock running, once, then reloads', async () => {
    const {document, server, reloads} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3" data-attempt-id="">
        <button class="start" data-action="start" data-exam-id="3" data-attempt-id="" data-attempt-proctored="false"
                data-start-clock="true" data-ajax-url="${COLLECTION}" data-change-state-url="">Start</button>
        ${ERROR_REGION}
      </div>`);
    server.route('POST', COLLECTION, 200, {exam_attempt_id: 12});
    const button = document.querySelector('.start');
    click(button);
    click(button);
    await settle();
    const posts = server.callsTo('POST', COLLECTION);
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0].body, {exam_id: '3', attempt_proctored: 'false', start_clock: 'true'});
    assert.equal(posts[0].headers['X-CSRFToken'], 'tok=123');
    assert.equal(reloads(), 1);
});

test('a timed exam with a created attempt is started with PUT action=start', async () => {
    const {document, server, reloads} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3" data-attempt-id="12">
        <button class="start" data-action="start" data-exam-id="3" data-attempt-id="12" data-start-clock="true"
                data-ajax-url="${COLLECTION}" data-change-state-url="${ATTEMPT}">Start</button>
      </div>`);
    server.route('PUT', ATTEMPT, 200, {exam_attempt_id: 12});
    click(document.querySelector('.start'));
    await settle();
    assert.deepEqual(server.callsTo('PUT', ATTEMPT).map((c) => c.body), [{action: 'start'}]);
    assert.equal(server.callsTo('POST', COLLECTION).length, 0);
    assert.equal(reloads(), 1);
});

test('submit, reset and declining proctoring send their requests', async () => {
    const {document, server} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3" data-attempt-id="12">
        <button class="submit" data-action="submit" data-exam-id="3" data-change-state-url="${ATTEMPT}">Submit</button>
        <button class="reset" data-action="reset_attempt" data-change-state-url="${ATTEMPT}">Again</button>
        <button class="decline" data-action="decline" data-exam-id="3" data-attempt-proctored="false"
                data-start-clock="false" data-ajax-url="${COLLECTION}">No proctoring</button>
      </div>`);
    server.route('PUT', ATTEMPT, 200, {exam_attempt_id: 12});
    server.route('POST', COLLECTION, 200, {exam_attempt_id: 13});
    const {edx} = globalThis;
    click(document.querySelector('.submit'));
    await settle();
    edx.courseware.proctored_exam.actionGuard.inFlight = false;
    click(document.querySelector('.reset'));
    await settle();
    edx.courseware.proctored_exam.actionGuard.inFlight = false;
    click(document.querySelector('.decline'));
    await settle();
    assert.deepEqual(server.callsTo('PUT', ATTEMPT).map((c) => c.body.action), ['submit', 'reset_attempt']);
    assert.deepEqual(server.callsTo('POST', COLLECTION)[0].body,
        {exam_id: '3', attempt_proctored: 'false', start_clock: 'false'});
});

test('a failed request shows the page error, re-enables the button, and can be dismissed', async () => {
    const {document, server, reloads} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3">
        <button class="start" data-action="start" data-exam-id="3" data-attempt-proctored="true"
                data-start-clock="false" data-ajax-url="${COLLECTION}">Continue</button>
        ${ERROR_REGION}
      </div>`);
    server.route('POST', COLLECTION, 403, {detail: 'The exam is past its due date.'});
    const button = document.querySelector('.start');
    click(button);
    await settle();
    const region = document.querySelector('[data-role="exam-action-error"]');
    assert.equal(region.hidden, false);
    assert.equal(region.querySelector('.exam-action-error-message').textContent, 'The exam is past its due date.');
    assert.equal(document.activeElement, region);
    assert.equal(button.disabled, false);
    assert.equal(reloads(), 0);
    click(region.querySelector('[data-action="dismiss-error"]'));
    assert.equal(region.hidden, true);
});

test('the opt-out confirmation opens, takes focus, and closes back to its button', () => {
    const {document, server} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3">
        <button class="show" data-action="show-decline" aria-controls="confirm-decline-3" aria-expanded="false">Opt out</button>
        <div class="confirm-decline" id="confirm-decline-3" hidden>
          <button class="yes" data-action="decline">Yes</button>
          <button class="no" data-action="cancel-decline">No</button>
        </div>
      </div>`);
    const opener = document.querySelector('.show');
    click(opener);
    assert.equal(document.querySelector('#confirm-decline-3').hidden, false);
    assert.equal(opener.getAttribute('aria-expanded'), 'true');
    assert.equal(document.activeElement, document.querySelector('.yes'));
    click(document.querySelector('.no'));
    assert.equal(document.querySelector('#confirm-decline-3').hidden, true);
    assert.equal(document.activeElement, opener);
    assert.equal(server.calls.length, 0);
});

test('"I have completed the setup" reloads only once the vendor reported the computer ready', async () => {
    const {document, server, reloads, pe} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3">
        <button class="check" data-action="check-status" data-poll-url="${ATTEMPT}">Done</button>
        ${ERROR_REGION}
      </div>`);
    server.route('GET', ATTEMPT, 200, {status: 'download_software_clicked'});
    const button = document.querySelector('.check');
    click(button);
    await settle();
    assert.equal(reloads(), 0);
    assert.equal(document.querySelector('[data-role="exam-action-error"]').hidden, false);
    assert.equal(button.disabled, false);
    assert.equal(pe.actionGuard.inFlight, false);
    server.route('GET', ATTEMPT, 200, {status: 'ready_to_start'});
    click(button);
    await settle();
    assert.equal(reloads(), 1);
});

test('the download link records the click without blocking the link', async () => {
    const {document, server} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3" data-attempt-id="12">
        <a class="download" href="https://vendor.example/dl" data-action="click_download_software"
           data-change-state-url="${ATTEMPT}">Download</a>
      </div>`);
    server.route('PUT', ATTEMPT, 200, {exam_attempt_id: 12});
    const event = click(document.querySelector('.download'));
    assert.equal(event.defaultPrevented, false);
    await settle();
    assert.deepEqual(server.callsTo('PUT', ATTEMPT).map((c) => c.body), [{action: 'click_download_software'}]);
});

test('with vendor software, start hands the attempt to the worker before PUT action=start', async () => {
    const {document, server, pe} = mountPage(`
      <div class="special-exam-interstitial" data-exam-id="3" data-attempt-id="12"
           data-backend-js-url="https://vendor.example/w.js" data-ping-interval="20" data-external-id="ext-12">
        <button class="start" data-action="start" data-change-state-url="${ATTEMPT}">Start</button>
      </div>`);
    const order = [];
    const listeners = [];
    const worker = {
        addEventListener: (t, fn) => listeners.push(fn),
        removeEventListener: (t, fn) => listeners.splice(listeners.indexOf(fn), 1),
        postMessage(message) {
            order.push(message);
            setTimeout(() => listeners.slice().forEach((fn) => fn({data: {type: 'examAttemptStarted'}})), 0);
        },
    };
    const original = pe.getWorker;
    pe.getWorker = () => worker;
    server.route('PUT', ATTEMPT, 200, (call) => { order.push(call.body); return {exam_attempt_id: 12}; });
    try {
        click(document.querySelector('.start'));
        await settle();
    } finally {
        pe.getWorker = original;
    }
    assert.deepEqual(order, [
        {type: 'startExamAttempt', timeout: 20000, attemptExternalId: 'ext-12'},
        {action: 'start'},
    ]);
});

test('pingApplication rejects when the worker does not answer in time', async () => {
    const pe = setup().edx.courseware.proctored_exam;
    const silent = {addEventListener() {}, removeEventListener() {}, postMessage() {}};
    const originalSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = (fn) => originalSetTimeout(fn, 0);
    try {
        await assert.rejects(pe.pingApplication(1, silent), /timed out/);
    } finally {
        globalThis.setTimeout = originalSetTimeout;
    }
    assert.equal(await pe.pingApplication(5, null), null);
});
