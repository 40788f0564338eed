/*
 * Test environment: a fake document and a scripted `fetch` on the global object, then the browser
 * scripts loaded in their pipeline order (they attach themselves to the global `edx` namespace).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {FakeDocument, FakeEvent} = require('./fake_dom');

const JS_ROOT = path.resolve(__dirname, '..');
const TEMPLATE_ROOT = path.resolve(__dirname, '..', '..', 'templates');

/** A scripted fetch: `route(method, urlPrefixOrRegExp, status, body)`; every call is recorded. */
function installFetch() {
    const routes = [];
    const calls = [];
    globalThis.fetch = (url, options) => {
        const method = ((options && options.method) || 'GET').toUpperCase();
        const call = {
            url,
            method,
            headers: (options && options.headers) || {},
            body: options && options.body ? JSON.parse(options.body) : undefined,
        };
        calls.push(call);
        if (url.endsWith('.underscore')) {
            const name = url.split('/').pop();
            const file = path.join(TEMPLATE_ROOT, name);
            const exists = fs.existsSync(file);
            return Promise.resolve({
                ok: exists, status: exists ? 200 : 404, text: () => Promise.resolve(exists ? fs.readFileSync(file, 'utf8') : ''),
            });
        }
        const route = routes.find((r) => r.method === method && (
            r.url instanceof RegExp ? r.url.test(url) : url === r.url || url.startsWith(`${r.url}?`)
        ));
        if (!route) {
            return Promise.resolve({ok: false, status: 599, text: () => Promise.resolve('{"detail": "no route"}')});
        }
        const body = typeof route.body === 'function' ? route.body(call) : route.body;
        if (route.once) {
            routes.splice(routes.indexOf(route), 1);
        }
        const text = body === undefined || body === null ? '' : JSON.stringify(body);
        return Promise.resolve({ok: route.status < 300, status: route.status, text: () => Promise.resolve(text)});
    };
    return {
        calls,
        route(method, url, status, body, options) {
            routes.unshift(Object.assign({method, url, status, body}, options || {}));
        },
        callsTo(method, url) {
            return calls.filter((c) => c.method === method && (url instanceof RegExp ? url.test(c.url) : c.url.startsWith(url)));
        },
    };
}

let loaded = false;

/** A fresh document and fetch; the scripts are loaded once (module cache) and keep working on the new globals. */
function setup() {
    globalThis.document = new FakeDocument();
    globalThis.document.cookie = 'sessionid=abc; csrftoken=tok%3D123';
    const server = installFetch();
    globalThis.location = {reloads: 0, assigned: [], reload() { this.reloads += 1; }, assign(url) { this.assigned.push(url); }};
    if (!loaded) {
        [
            'proctoring_utils.js',
            'models/proctored_exam_model.js',
            'models/learner_onboarding_model.js',
            'models/proctored_exam_allowance_model.js',
            'models/proctored_exam_bulk_allowance_model.js',
            'models/proctored_exam_attempt_model.js',
            'collections/proctored_exam_collection.js',
            'collections/proctored_exam_allowance_collection.js',
            'collections/proctored_exam_attempt_grouped_collection.js',
            'collections/proctored_exam_onboarding_collection.js',
            'exam_action_handler.js',
            'views/modal_dialog.js',
            'views/proctored_exam_view.js',
            'views/proctored_exam_info.js',
            'views/proctored_exam_add_bulk_allowance_view.js',
            'views/proctored_exam_edit_allowance_view.js',
            'views/proctored_exam_allowance_view.js',
            'views/proctored_exam_attempt_view.js',
            'views/proctored_exam_onboarding_view.js',
            'views/proctored_exam_dashboard_view.js',
        ].forEach((file) => {
            const full = path.join(JS_ROOT, file);
            if (fs.existsSync(full)) {
                require(full); // eslint-disable-line global-require, import/no-dynamic-require
            }
        });
        loaded = true;
    }
    globalThis.edx.proctoring.utils.templateCache.clear();
    const pe = globalThis.edx.courseware.proctored_exam;
    pe.reload = () => globalThis.location.reload();
    pe.actionGuard.inFlight = false;
    return {document: globalThis.document, server, edx: globalThis.edx};
}

/** Let pending promise callbacks and zero-delay timers run. */
function flush(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms || 0));
}

async function settle(rounds) {
    for (let i = 0; i < (rounds || 10); i += 1) {
        await flush(); // eslint-disable-line no-await-in-loop
    }
}

function click(el) {
    const event = new FakeEvent('click', {target: el});
    el.dispatchEvent(event);
    return event;
}

/** A fake timer scheduler: intervals run only when `advance` is called. */
function manualIntervals() {
    const intervals = new Map();
    let next = 1;
    return {
        setInterval(fn, ms) { intervals.set(next, {fn, ms}); next += 1; return next - 1; },
        clearInterval(id) { intervals.delete(id); },
        runAll(ms) { Array.from(intervals.values()).filter((i) => !ms || i.ms === ms).forEach((i) => i.fn()); },
        get count() { return intervals.size; },
    };
}

module.exports = {setup, flush, settle, click, manualIntervals, FakeEvent};
