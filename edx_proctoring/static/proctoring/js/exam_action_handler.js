/*
 * Learner actions on the exam pages (`edx.courseware.proctored_exam.*`):
 *  - the vendor's Web Worker (created from the backend's `desktop_application_js_url`) and the
 *    start / end / ping messages exchanged with it (see static/index.js for the worker side);
 *  - the buttons of the interstitial pages: every `[data-action]` inside `.special-exam-interstitial`
 *    sends its request once (double clicks are ignored) and reloads the page, or shows the page's
 *    error message when the request fails.
 *
 * Data attributes read on a button (or its page container): data-exam-id, data-attempt-id,
 * data-attempt-proctored, data-start-clock, data-ajax-url (POST: create an attempt / PUT: acknowledge),
 * data-change-state-url (PUT {action} on the attempt), data-poll-url, and optionally
 * data-backend-js-url, data-ping-interval, data-external-id for vendor software hand-offs.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.courseware = root.edx.courseware || {};
    const pe = root.edx.courseware.proctored_exam = root.edx.courseware.proctored_exam || {};

    // Extra seconds a ping may take beyond the ping interval before it counts as failed.
    const PING_BUFFER_SECONDS = 10;
    const NOT_READY_STATUSES = ['created', 'download_software_clicked'];

    // -- the vendor worker -----------------------------------------------------------------------------

    let worker = null;
    let workerUrl = null;

    /** A Web Worker running the vendor's script (loaded through a Blob so cross-origin URLs work). */
    pe.createWorker = function createWorker(url) {
        const source = `importScripts(${JSON.stringify(String(url))});`;
        const blob = new root.Blob([source], {type: 'application/javascript'});
        return new root.Worker(root.URL.createObjectURL(blob));
    };

    /** The page's worker for `url` (one per page; null when there is no URL or no Worker support). */
    pe.getWorker = function getWorker(url) {
        if (!url || typeof root.Worker !== 'function') {
            return null;
        }
        if (!worker || workerUrl !== url) {
            worker = pe.createWorker(url);
            workerUrl = url;
        }
        return worker;
    };

    /** Forget the page's worker (tests, or after the exam ended). */
    pe.resetWorker = function resetWorker(replacement) {
        if (worker && typeof worker.terminate === 'function' && worker !== replacement) {
            worker.terminate();
        }
        worker = replacement || null;
        workerUrl = replacement ? 'injected' : null;
    };

    /** Send one request to a worker and wait for its success or failure message. */
    pe.workerRequest = function workerRequest(target, type, payload, timeoutMs) {
        const names = {
            startExamAttempt: ['examAttemptStarted', 'examAttemptStartFailed'],
            endExamAttempt: ['examAttemptEnded', 'examAttemptEndFailed'],
            ping: ['echo', 'pingFailed'],
        }[type];
        return new Promise((resolve, reject) => {
            let timer = null;
            const onMessage = (message) => {
                const data = (message && message.data) || {};
                if (data.type !== names[0] && data.type !== names[1]) {
                    return;
                }
                finish();
                if (data.type === names[0]) {
                    resolve(data);
                } else {
                    reject(new Error(data.error || `${type} failed`));
                }
            };
            const finish = () => {
                target.removeEventListener('message', onMessage);
                if (timer !== null) {
                    root.clearTimeout(timer);
                }
            };
            target.addEventListener('message', onMessage);
            if (timeoutMs) {
                timer = root.setTimeout(() => {
                    finish();
                    reject(new Error(`${type} timed out`));
                }, timeoutMs);
            }
            target.postMessage(Object.assign({type}, payload));
        });
    };

    /** Ask the proctoring software whether it is still running; rejects when it does not answer in time. */
    pe.pingApplication = function pingApplication(timeoutSeconds, target) {
        const pingWorker = target || worker;
        if (!pingWorker) {
            return Promise.resolve(null);
        }
        const seconds = Number(timeoutSeconds) || 0;
        return pe.workerRequest(pingWorker, 'ping', {timeout: seconds * 1000}, (seconds + PING_BUFFER_SECONDS) * 1000);
    };

    /** Tell the proctoring software the attempt ended (no-op without a worker). */
    pe.endExam = function endExam(attemptExternalId, target) {
        const endWorker = target || worker;
        if (!endWorker) {
            return Promise.resolve(null);
        }
        return pe.workerRequest(endWorker, 'endExamAttempt', {attemptExternalId}, 60 * 1000);
    };

    /** The attempt's current status, read from its poll URL. */
    pe.checkExamAttemptStatus = function checkExamAttemptStatus(attemptStatusPollUrl) {
        return utils.getJSON(attemptStatusPollUrl).then((attempt) => (attempt ? attempt.status : null));
    };

    /** Show `message` in the page's error region (role=alert) and move focus to it. */
    pe.accessibleError = function accessibleError(title, message, scope) {
        const doc = root.document;
        if (!doc) {
            return;
        }
        const container = (scope && scope.closest && scope.closest('.special-exam-interstitial')) || doc;
        let region = container.querySelector('[data-role="exam-action-error"]');
        if (!region) {
            region = doc.createElement('div');
            region.setAttribute('data-role', 'exam-action-error');
            region.setAttribute('role', 'alert');
            region.className = 'exam-action-error';
            (container.body || container).appendChild(region);
        }
        let text = region.querySelector('.exam-action-error-message');
        if (!text) {
            text = doc.createElement('p');
            text.className = 'exam-action-error-message';
            region.insertBefore(text, region.firstChild);
        }
        if (message) {
            text.textContent = title ? `${title} ${message}` : message;
        }
        region.hidden = false;
        region.setAttribute('tabindex', '-1');
        if (typeof region.focus === 'function') {
            region.focus();
        }
    };

    // -- reading a button ------------------------------------------------------------------------------

    function attribute(button, name) {
        const own = button.getAttribute(`data-${name}`);
        if (own !== null && own !== '') {
            return own;
        }
        const page = button.closest && button.closest('.special-exam-interstitial');
        const inherited = page ? page.getAttribute(`data-${name}`) : null;
        return inherited !== null && inherited !== '' ? inherited : null;
    }

    function vendorOf(button) {
        return {
            jsUrl: attribute(button, 'backend-js-url'),
            pingInterval: Number(attribute(button, 'ping-interval')) || 0,
            externalId: attribute(button, 'external-id'),
        };
    }

    function putAction(url, action, extra) {
        return utils.request('PUT', url, Object.assign({action}, extra || {}));
    }

    // -- the handlers edx-platform and our pages call --------------------------------------------------

    /** PUT the button's action on the attempt, then reload. */
    pe.updateStatusHandler = function updateStatusHandler(event) {
        const button = event.currentTarget || event.target;
        const action = button.getAttribute('data-action');
        return putAction(attribute(button, 'change-state-url'), action).then(() => pe.reload());
    };

    /** Start the vendor session (when there is vendor software), then PUT action=start, then reload. */
    pe.examStartHandler = function examStartHandler(event) {
        const button = event.currentTarget || event.target;
        const vendor = vendorOf(button);
        const startWorker = pe.getWorker(vendor.jsUrl);
        const handOff = startWorker
            ? pe.workerRequest(startWorker, 'startExamAttempt', {
                timeout: vendor.pingInterval * 1000,
                attemptExternalId: vendor.externalId,
            }, Math.max(vendor.pingInterval, 60) * 1000 + PING_BUFFER_SECONDS * 1000)
            : Promise.resolve(null);
        return handOff.then(() => putAction(attribute(button, 'change-state-url'), 'start')).then(() => pe.reload());
    };

    /** PUT the end action (submit by default), tell the vendor software, then reload. */
    pe.examEndHandler = function examEndHandler(event) {
        const button = event.currentTarget || event.target;
        const vendor = vendorOf(button);
        const action = button.getAttribute('data-action') || 'submit';
        return putAction(attribute(button, 'change-state-url'), action)
            .then(() => pe.endExam(vendor.externalId, pe.getWorker(vendor.jsUrl)).catch(() => null))
            .then(() => pe.reload());
    };

    /** POST a new attempt (start, resume, or decline proctoring), then reload. */
    function createAttempt(button) {
        return utils.request('POST', attribute(button, 'ajax-url'), {
            exam_id: attribute(button, 'exam-id'),
            attempt_proctored: attribute(button, 'attempt-proctored') || 'false',
            start_clock: attribute(button, 'start-clock') || 'false',
        }).then(() => pe.reload());
    }

    function toggleDecline(button, show) {
        const page = button.closest('.special-exam-interstitial') || root.document;
        const opener = page.querySelector('[data-action="show-decline"]');
        const panelId = opener ? opener.getAttribute('aria-controls') : null;
        const panel = panelId ? root.document.getElementById(panelId) : page.querySelector('.confirm-decline');
        if (!panel) {
            return;
        }
        panel.hidden = !show;
        if (opener) {
            opener.setAttribute('aria-expanded', String(show));
        }
        const focusTarget = show ? panel.querySelector('button') : opener;
        if (focusTarget) {
            focusTarget.focus();
        }
    }

    /** What each data-action does; returns a Promise for network actions, undefined for local ones. */
    pe.runAction = function runAction(button, event) {
        const action = button.getAttribute('data-action');
        const hasAttempt = Boolean(attribute(button, 'attempt-id')) && Boolean(attribute(button, 'change-state-url'));
        const fakeEvent = {currentTarget: button, target: button, originalEvent: event};
        switch (action) {
        case 'start':
            if (button.getAttribute('data-ajax-url') && !hasAttempt) {
                return createAttempt(button);
            }
            return pe.examStartHandler(fakeEvent);
        case 'resume':
        case 'decline':
            return createAttempt(button);
        case 'submit':
            return pe.examEndHandler(fakeEvent);
        case 'reset_attempt':
        case 'click_download_software':
            return pe.updateStatusHandler(fakeEvent);
        case 'acknowledge':
            return utils.request('PUT', attribute(button, 'ajax-url'), {}).then(() => pe.reload());
        case 'check-status':
            return pe.checkExamAttemptStatus(attribute(button, 'poll-url')).then((status) => {
                if (NOT_READY_STATUSES.includes(status)) {
                    pe.accessibleError('', utils.gettext(
                        'The proctoring software has not reported that your computer is ready yet. '
                        + 'Finish the setup in the software, then try again.',
                    ), button);
                    return;
                }
                pe.reload();
            });
        case 'show-decline':
            toggleDecline(button, true);
            return undefined;
        case 'cancel-decline':
            toggleDecline(button, false);
            return undefined;
        case 'dismiss-error': {
            const region = button.closest('[data-role="exam-action-error"]');
            if (region) {
                region.hidden = true;
            }
            return undefined;
        }
        default:
            return undefined;
        }
    };

    const guard = new utils.SubmitGuard();
    pe.actionGuard = guard;
    pe.reload = () => utils.reloadPage();

    const LOCAL_ACTIONS = ['show-decline', 'cancel-decline', 'dismiss-error'];

    /** Delegated click handling for every interstitial under `scope` (document by default); idempotent. */
    pe.bindExamActions = function bindExamActions(scope) {
        const target = scope || root.document;
        if (!target || target.__proctoringActionsBound) {
            return;
        }
        target.__proctoringActionsBound = true;
        target.addEventListener('click', (event) => {
            const button = event.target && event.target.closest
                ? event.target.closest('.special-exam-interstitial [data-action]') : null;
            if (!button) {
                return;
            }
            const action = button.getAttribute('data-action');
            if (LOCAL_ACTIONS.includes(action)) {
                event.preventDefault();
                pe.runAction(button, event);
                return;
            }
            if (action === 'click_download_software') {
                // The link still opens the download; the status change is recorded alongside.
                pe.runAction(button, event).catch(() => null);
                return;
            }
            event.preventDefault();
            const pending = guard.run(() => pe.runAction(button, event), button, {releaseOnSuccess: action === 'check-status'});
            if (pending) {
                pending.catch((error) => {
                    const detail = error && error.data && error.data.detail;
                    pe.accessibleError('', typeof detail === 'string' ? detail : '', button);
                });
            }
        });
    };

    utils.onReady(() => pe.bindExamActions());

    if (typeof module === 'object' && module.exports) {
        module.exports = pe;
    }
}(typeof window !== 'undefined' ? window : globalThis));
