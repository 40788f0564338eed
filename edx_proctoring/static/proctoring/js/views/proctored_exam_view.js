/*
 * The learner's exam timer bar: `edx.courseware.proctored_exam.ProctoredExamView({el, proctored_template, model})`.
 *
 * The countdown runs against the server's absolute `deadline`, moved onto the browser's clock with the
 * offset measured at each fetch (server_now minus the middle of the request's round trip), so a browser
 * clock set wrong does not change the time shown. The payload is fetched again every 60 s; the
 * warning and critical states follow `low_threshold_sec` / `critically_low_threshold_sec` and are
 * announced to screen readers; at zero the bar holds 00:00 for a few seconds, ends the exam and reloads.
 * Proctored attempts with vendor software ping it every `ping_interval` seconds and report a failure
 * (PUT action=error).
 *
 * Pauses, breaks and extensions (the server decides, the bar follows the payload): while `paused` (staff)
 * or `on_break` (the learner) the clock holds `time_remaining_seconds` and says so; a pause or break that
 * begins or ends between polls reloads the page; a change of `extension_minutes` is shown and announced
 * with the new end time (remembered in sessionStorage across reloads); with `break_minutes_allowed` the
 * bar offers "Take a break" / "End break" (PUT action=start_break / end_break) and the budget left. This
 * area is added by the view to whatever template the host gives (`.proctoring-timer-adjustments`).
 *
 * The markup comes from the page's `proctored_template` (underscore's `_.template` when the page has
 * underscore, our own template function otherwise); the view writes the time into `#time_remaining_id b`
 * and wires `#toggle_timer` and `.js-toggle-show-more`.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.courseware = root.edx.courseware || {};
    const pe = root.edx.courseware.proctored_exam = root.edx.courseware.proctored_exam || {};

    const POLL_INTERVAL_MS = 60 * 1000;
    const TICK_MS = 1000;
    const EXPIRY_HOLD_SECONDS = 5;
    // How long after a form submit the page's unload counts as that submit's navigation.
    const FORM_SUBMIT_GRACE_MS = 3000;
    const TIMER_HIDDEN_KEY = 'edx_proctoring.timer_hidden';

    // -- pure timing functions (unit tested) -----------------------------------------------------------

    function parseTime(value) {
        if (!value) {
            return NaN;
        }
        return Date.parse(value);
    }

    /**
     * Milliseconds to add to the browser's clock to read the server's: server_now was stamped while the
     * request was in flight, so it is compared with the middle of the round trip.
     */
    function clockOffsetMs(serverNow, requestStart, requestEnd) {
        const server = parseTime(serverNow);
        if (Number.isNaN(server) || typeof requestStart !== 'number') {
            return 0;
        }
        const end = typeof requestEnd === 'number' ? requestEnd : requestStart;
        return server - (requestStart + (end - requestStart) / 2);
    }

    /**
     * `{deadlineMs, offsetMs}` on the server's clock for a payload fetched between requestStart and
     * requestEnd (browser clock). Without a deadline, the remaining seconds count from the middle of the
     * round trip.
     */
    function timingFromPayload(payload, fetchTiming) {
        const timing = fetchTiming || {};
        const requestStart = typeof timing.requestStart === 'number' ? timing.requestStart : Date.now();
        const requestEnd = typeof timing.requestEnd === 'number' ? timing.requestEnd : requestStart;
        const offsetMs = clockOffsetMs(payload.server_now, requestStart, requestEnd);
        let deadlineMs = parseTime(payload.deadline);
        if (Number.isNaN(deadlineMs)) {
            const middle = requestStart + (requestEnd - requestStart) / 2;
            deadlineMs = middle + offsetMs + (Number(payload.time_remaining_seconds) || 0) * 1000;
        }
        return {deadlineMs, offsetMs, frozenSeconds: frozenSeconds(payload)};
    }

    /** Seconds left (negative once the deadline has passed) at browser time `clientNowMs`. */
    function remainingSeconds(timing, clientNowMs) {
        if (typeof timing.frozenSeconds === 'number') {
            return timing.frozenSeconds;
        }
        return (timing.deadlineMs - (clientNowMs + timing.offsetMs)) / 1000;
    }

    /** 'critical', 'warning' or 'normal' for the seconds left and the two thresholds (0 = no threshold). */
    function classifyRemaining(seconds, lowThreshold, criticalThreshold) {
        const low = Number(lowThreshold) || 0;
        const critical = Number(criticalThreshold) || 0;
        if (critical > 0 && seconds <= critical) {
            return 'critical';
        }
        if (low > 0 && seconds <= low) {
            return 'warning';
        }
        return 'normal';
    }

    function pad(number) {
        return number < 10 ? `0${number}` : String(number);
    }

    /** "HH:MM:SS" (hours only when there are some; never negative): what the timer shows. */
    function formatRemaining(seconds) {
        const whole = Math.max(0, Math.ceil(Number(seconds) || 0));
        const hours = Math.floor(whole / 3600);
        const minutes = Math.floor((whole % 3600) / 60);
        const secs = whole % 60;
        return hours > 0 ? `${hours}:${pad(minutes)}:${pad(secs)}` : `${pad(minutes)}:${pad(secs)}`;
    }

    /** A sentence for screen readers: "You have 5 minutes remaining." */
    function accessibleRemaining(seconds) {
        const whole = Math.max(0, Math.ceil(Number(seconds) || 0));
        if (whole === 0) {
            return utils.gettext('Time is up. Your exam is being submitted.');
        }
        if (whole < 60) {
            return utils.gettext('You have less than a minute remaining.');
        }
        const minutes = Math.round(whole / 60);
        if (minutes < 60) {
            return utils.interpolate(utils.ngettext(
                'You have {minutes} minute remaining.', 'You have {minutes} minutes remaining.', minutes,
            ), {minutes});
        }
        const hours = Math.floor(minutes / 60);
        const rest = minutes % 60;
        return utils.interpolate(utils.gettext('You have {hours} h {minutes} min remaining.'), {hours, minutes: rest});
    }

    const LEVEL_MESSAGES = {
        warning: () => utils.gettext('Your exam time is running low.'),
        critical: () => utils.gettext('Your exam time is almost up. Save your answers now.'),
    };

    // -- pauses, breaks and extensions: pure functions (unit tested) --------------------------------------
    //
    // The server decides everything: while an attempt is paused by staff (`paused`) or the learner is on
    // a break (`on_break`) it keeps `time_remaining_seconds` still and moves `deadline`, so the bar shows
    // the frozen seconds instead of counting down. `extension_minutes` is the staff extension in force;
    // `break_minutes_allowed` (null without a break allowance) and `break_minutes_remaining` the break
    // budget.

    const SEEN_KEY_PREFIX = 'edx_proctoring.timer_seen.';

    /** The seconds the bar holds while the clock is stopped (paused or on a break), else null. */
    function frozenSeconds(payload) {
        if (!payload || !(payload.paused || payload.on_break)) {
            return null;
        }
        return Math.max(0, Number(payload.time_remaining_seconds) || 0);
    }

    /** The payload's adjustment fields, normalised; breaks are offered only with a positive allowance. */
    function adjustmentState(payload) {
        const data = payload || {};
        const allowed = data.break_minutes_allowed;
        const hasBreaks = allowed !== null && allowed !== undefined && Number(allowed) > 0;
        return {
            paused: Boolean(data.paused),
            onBreak: Boolean(data.on_break),
            extensionMinutes: Number(data.extension_minutes) || 0,
            breakMinutesAllowed: hasBreaks ? Number(allowed) : null,
            breakMinutesRemaining: hasBreaks ? Math.max(0, Number(data.break_minutes_remaining) || 0) : null,
        };
    }

    /** 'paused', 'break' or 'running': a change between two polls reloads the page for the new state. */
    function clockState(state) {
        if (state.paused) {
            return 'paused';
        }
        return state.onBreak ? 'break' : 'running';
    }

    /** The local time of day a deadline (server clock) falls at, e.g. "10:25" (browser's locale). */
    function formatEndTime(timing) {
        if (!timing || Number.isNaN(timing.deadlineMs)) {
            return '';
        }
        const local = new Date(timing.deadlineMs - (timing.offsetMs || 0));
        try {
            return local.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
        } catch (error) {
            return `${pad(local.getHours())}:${pad(local.getMinutes())}`;
        }
    }

    /** What to tell the learner when the staff extension changed by `delta` minutes (empty when it did not). */
    function extensionMessage(delta, endTime) {
        if (!delta) {
            return '';
        }
        const minutes = Math.abs(delta);
        const sentence = delta > 0
            ? utils.ngettext('{minutes} minute was added to your exam time.',
                '{minutes} minutes were added to your exam time.', minutes)
            : utils.ngettext('{minutes} minute was taken off your exam time.',
                '{minutes} minutes were taken off your exam time.', minutes);
        const parts = [utils.interpolate(sentence, {minutes})];
        if (endTime) {
            parts.push(utils.interpolate(utils.gettext('Your exam now ends at {time}.'), {time: endTime}));
        }
        return parts.join(' ');
    }

    /** The sentence announced when the clock stopped or started again between two looks at the payload. */
    function clockStateMessage(before, after) {
        if (before === after) {
            return '';
        }
        if (after === 'paused') {
            return utils.gettext('Course staff paused your exam. The clock is stopped.');
        }
        if (after === 'break') {
            return utils.gettext('You are on a break. The clock is stopped.');
        }
        return before === 'paused'
            ? utils.gettext('Your exam was resumed. The clock is running again.')
            : utils.gettext('Your break is over. The clock is running again.');
    }

    /** The break budget line: "Break time left: 3 minutes" (or that none is left). */
    function breakBudgetText(minutesLeft) {
        if (!minutesLeft) {
            return utils.gettext('No break time left.');
        }
        return utils.interpolate(utils.ngettext(
            'Break time left: {minutes} minute', 'Break time left: {minutes} minutes', minutesLeft,
        ), {minutes: minutesLeft});
    }

    /** The state the learner last saw for an attempt (kept in sessionStorage across reloads), or null. */
    function readSeen(attemptId) {
        try {
            const stored = root.sessionStorage && root.sessionStorage.getItem(SEEN_KEY_PREFIX + attemptId);
            return stored ? JSON.parse(stored) : null;
        } catch (error) {
            return null;
        }
    }

    function writeSeen(attemptId, seen) {
        try {
            if (root.sessionStorage) {
                root.sessionStorage.setItem(SEEN_KEY_PREFIX + attemptId, JSON.stringify(seen));
            }
        } catch (error) {
            // Storage may be disabled: changes are still announced while the page stays open.
        }
    }

    // -- the view --------------------------------------------------------------------------------------

    function renderPageTemplate(source, data) {
        if (root._ && typeof root._.template === 'function') {
            return root._.template(source)(Object.assign({gettext: utils.gettext}, data));
        }
        return utils.template(source)(data);
    }

    function readTimerHidden() {
        try {
            return root.sessionStorage && root.sessionStorage.getItem(TIMER_HIDDEN_KEY) === 'true';
        } catch (error) {
            return false;
        }
    }

    function writeTimerHidden(hidden) {
        try {
            if (root.sessionStorage) {
                root.sessionStorage.setItem(TIMER_HIDDEN_KEY, String(hidden));
            }
        } catch (error) {
            // Storage may be disabled; the toggle still works for this page.
        }
    }

    class ProctoredExamView {
        constructor(options) {
            const opts = options || {};
            const doc = root.document;
            this.el = utils.unwrapElement(opts.el) || (doc ? doc.querySelector('.proctored_exam_status') : null);
            this.templateSelector = opts.proctored_template || '#proctored-exam-status-tpl';
            this.model = opts.model || new root.ProctoredExamModel();
            this.now = opts.now || (() => Date.now());
            this.reload = opts.reload || (() => utils.reloadPage());
            this.navigate = opts.navigate || ((url) => root.location.assign(url));
            this.setInterval = opts.setInterval || ((fn, ms) => root.setInterval(fn, ms));
            this.clearInterval = opts.clearInterval || ((id) => root.clearInterval(id));
            this.guard = new utils.SubmitGuard();
            this.timing = null;
            this.level = 'normal';
            this.active = false;
            this.expiring = false;
            this.renderedKey = null;
            this.intervals = {};

            if (this.el && this.el.__proctoredExamView && this.el.__proctoredExamView !== this) {
                this.el.__proctoredExamView.destroy();
            }
            if (this.el) {
                this.el.__proctoredExamView = this;
            }
            this.onModelChange = () => this.render();
            this.model.on('change', this.onModelChange);
            this.onClick = (event) => this.handleClick(event);
            if (this.el) {
                this.el.addEventListener('click', this.onClick);
            }
            this.onBeforeUnload = (event) => this.warnBeforeUnload(event);
            if (typeof root.addEventListener === 'function') {
                root.addEventListener('beforeunload', this.onBeforeUnload);
            }
            this.watchFormSubmits();
            if (opts.fetch !== false && !this.model.get('attempt_id')) {
                this.model.fetch().catch(() => null);
            }
        }

        // Render the bar for the model's payload (hidden when the learner is not in a timed exam).
        render() {
            const data = this.model.toJSON();
            if (!this.el) {
                return this;
            }
            const inExam = Boolean(data.in_timed_exam) && data.attempt_id !== null && data.attempt_id !== undefined;
            if (!inExam || (data.attempt_status && !utils.statusGroup('running').includes(data.attempt_status))) {
                if (this.active) {
                    // The attempt ended elsewhere (timed out, submitted, error): show the page for its new state.
                    this.leave();
                    return this;
                }
                this.hide();
                return this;
            }
            if (this.active && this.attemptId !== data.attempt_id) {
                this.leave();
                return this;
            }
            this.attemptId = data.attempt_id;
            this.timing = timingFromPayload(data, this.model.lastFetch);
            if (this.followClockState(data)) {
                return this;
            }
            const key = [data.attempt_id, data.attempt_status, data.exam_display_name].join('|');
            if (key !== this.renderedKey) {
                this.renderMarkup(data);
                this.renderedKey = key;
            }
            this.renderAdjustments(data);
            this.show();
            this.active = true;
            this.start(data);
            this.tick();
            return this;
        }

        renderMarkup(data) {
            const doc = root.document;
            const templateEl = doc ? doc.querySelector(this.templateSelector) : null;
            if (templateEl) {
                const remaining = this.timing ? remainingSeconds(this.timing, this.now()) : 0;
                this.el.innerHTML = renderPageTemplate(templateEl.innerHTML, Object.assign({}, data, {
                    time_remaining_formatted: formatRemaining(remaining),
                }));
            }
            this.liveRegion = this.el.querySelector('.proctoring-timer-announcer');
            if (!this.liveRegion && doc) {
                this.liveRegion = doc.createElement('div');
                this.liveRegion.className = 'proctoring-timer-announcer sr sr-only';
                this.liveRegion.setAttribute('role', 'status');
                this.liveRegion.setAttribute('aria-live', 'polite');
                this.liveRegion.setAttribute('aria-atomic', 'true');
                Object.assign(this.liveRegion.style, {
                    position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)',
                });
                this.el.appendChild(this.liveRegion);
            }
            this.applyTimerHidden(readTimerHidden());
        }

        timeElement() {
            return this.el.querySelector('#time_remaining_id b')
                || (root.document ? root.document.querySelector('#time_remaining_id b') : null);
        }

        show() {
            this.el.hidden = false;
            this.el.style.display = 'block';
            this.el.classList.add('is-active');
        }

        hide() {
            this.stop();
            this.el.classList.remove('is-active');
            this.el.style.display = 'none';
            this.el.hidden = true;
        }

        start(data) {
            if (!this.intervals.tick) {
                this.intervals.tick = this.setInterval(() => this.tick(), TICK_MS);
            }
            if (!this.intervals.poll) {
                this.intervals.poll = this.setInterval(() => this.poll(), POLL_INTERVAL_MS);
            }
            const pingSeconds = Number(data.ping_interval) || 0;
            if (!this.intervals.ping && data.taking_as_proctored && data.desktop_application_js_url && pingSeconds > 0) {
                this.pingWorker = pe.getWorker ? pe.getWorker(data.desktop_application_js_url) : null;
                if (this.pingWorker) {
                    this.intervals.ping = this.setInterval(() => this.ping(), pingSeconds * 1000);
                }
            }
        }

        stop() {
            Object.keys(this.intervals).forEach((name) => this.clearInterval(this.intervals[name]));
            this.intervals = {};
        }

        destroy() {
            this.stop();
            this.model.off('change', this.onModelChange);
            if (this.el) {
                this.el.removeEventListener('click', this.onClick);
                if (this.el.__proctoredExamView === this) {
                    delete this.el.__proctoredExamView;
                }
            }
            if (typeof root.removeEventListener === 'function') {
                root.removeEventListener('beforeunload', this.onBeforeUnload);
                root.removeEventListener('submit', this.onFormSubmit);
            }
        }

        remaining() {
            return this.timing ? remainingSeconds(this.timing, this.now()) : 0;
        }

        tick() {
            if (!this.timing || this.expiring) {
                return;
            }
            const seconds = this.remaining();
            const timeEl = this.timeElement();
            if (timeEl) {
                timeEl.textContent = formatRemaining(seconds);
            }
            const data = this.model.toJSON();
            const level = classifyRemaining(seconds, data.low_threshold_sec, data.critically_low_threshold_sec);
            if (level !== this.level) {
                this.setLevel(level);
            }
            if (seconds <= -EXPIRY_HOLD_SECONDS) {
                this.expire();
            }
        }

        setLevel(level) {
            const target = this.el.querySelector('.exam-timer') || this.el;
            target.classList.remove('low-time', 'warning', 'critical');
            if (level !== 'normal') {
                target.classList.add('low-time', level);
                if (this.liveRegion) {
                    this.liveRegion.setAttribute('aria-live', level === 'critical' ? 'assertive' : 'polite');
                }
                utils.announce(this.liveRegion, `${LEVEL_MESSAGES[level]()} ${accessibleRemaining(this.remaining())}`);
            }
            this.level = level;
        }

        poll() {
            return this.model.fetch().catch(() => null);
        }

        ping() {
            if (this.pinging || this.expiring) {
                return Promise.resolve();
            }
            this.pinging = true;
            const data = this.model.toJSON();
            return pe.pingApplication(data.ping_interval, this.pingWorker).then(() => {
                this.pinging = false;
            }, () => {
                this.stop();
                return utils.request('PUT', data.exam_started_poll_url, {
                    action: 'error',
                    detail: 'The proctoring software did not answer the ping.',
                }).catch(() => null).then(() => this.leave());
            });
        }

        // Time is up: after holding 00:00, tell the vendor software, let the server record the end, reload.
        expire() {
            if (this.expiring) {
                return this.expiring;
            }
            const data = this.model.toJSON();
            this.stop();
            utils.announce(this.liveRegion, accessibleRemaining(0));
            const vendorEnd = data.taking_as_proctored && this.pingWorker
                ? pe.endExam(data.external_id, this.pingWorker).catch(() => null)
                : Promise.resolve(null);
            this.expiring = vendorEnd
                .then(() => (data.exam_started_poll_url ? utils.getJSON(data.exam_started_poll_url).catch(() => null) : null))
                .then(() => this.leave());
            return this.expiring;
        }

        leave() {
            this.stop();
            this.active = false;
            this.leaving = true;
            this.reload();
        }

        // A form the learner submits on the exam page (saving an answer) reloads the page inside the exam:
        // that is not leaving it, so the guard lets it through. Listening on the window, after the page's own
        // handlers, a submit they cancelled does not count.
        watchFormSubmits() {
            this.formSubmittedAt = null;
            this.onFormSubmit = (event) => {
                if (!event.defaultPrevented) {
                    this.formSubmittedAt = this.now();
                }
            };
            if (typeof root.addEventListener === 'function') {
                root.addEventListener('submit', this.onFormSubmit);
            }
        }

        leavingThroughOwnForm() {
            return this.formSubmittedAt !== null && this.now() - this.formSubmittedAt < FORM_SUBMIT_GRACE_MS;
        }

        warnBeforeUnload(event) {
            const data = this.model.toJSON();
            if (!this.active || this.leaving || !data.taking_as_proctored || this.leavingThroughOwnForm()) {
                return undefined;
            }
            const message = utils.gettext('You are taking a proctored exam. Are you sure you want to leave this page?');
            event.preventDefault();
            event.returnValue = message; // eslint-disable-line no-param-reassign
            return message;
        }

        // -- pauses, breaks and extensions -----------------------------------------------------------------

        /**
         * A pause or a break that began or ended since the bar last looked reloads the page, so the server
         * shows what goes with the new state (the paused page, or the exam again); true when it did.
         */
        followClockState(data) {
            const current = clockState(adjustmentState(data));
            const previous = this.clockStateShown;
            this.clockStateShown = current;
            if (this.active && previous && previous !== current) {
                this.leave();
                return true;
            }
            return false;
        }

        /** The bar's adjustments area (added to any host template): clock state, time added, breaks. */
        adjustmentsElement() {
            if (this.adjustmentsEl && this.el.querySelector('.proctoring-timer-adjustments') === this.adjustmentsEl) {
                return this.adjustmentsEl;
            }
            const doc = root.document;
            if (!doc) {
                return null;
            }
            const box = doc.createElement('div');
            box.className = 'proctoring-timer-adjustments';
            box.innerHTML = [
                '<p class="proctoring-timer-state" hidden></p>',
                '<p class="proctoring-time-added" hidden></p>',
                '<div class="proctoring-timer-break" hidden>',
                '<span class="proctoring-break-remaining"></span> ',
                '<button type="button" class="btn btn-small js-timer-break"></button>',
                '</div>',
                '<p class="proctoring-timer-error" role="alert" hidden></p>',
            ].join('');
            box.addEventListener('click', (event) => {
                const button = event.target && event.target.closest ? event.target.closest('.js-timer-break') : null;
                if (button) {
                    event.preventDefault();
                    this.toggleBreak(button);
                }
            });
            (this.el.querySelector('.exam-timer') || this.el).appendChild(box);
            this.adjustmentsEl = box;
            return box;
        }

        renderAdjustments(data) {
            const box = this.adjustmentsElement();
            if (!box) {
                return;
            }
            const state = adjustmentState(data);
            const current = clockState(state);
            this.el.classList.toggle('is-paused', current === 'paused');
            this.el.classList.toggle('is-on-break', current === 'break');
            const note = box.querySelector('.proctoring-timer-state');
            note.hidden = current === 'running';
            note.textContent = {
                paused: utils.gettext('Paused by course staff: the clock is stopped.'),
                break: utils.gettext('On a break: the clock is stopped.'),
                running: '',
            }[current];
            const breakBox = box.querySelector('.proctoring-timer-break');
            breakBox.hidden = state.breakMinutesAllowed === null;
            if (!breakBox.hidden) {
                box.querySelector('.proctoring-break-remaining').textContent = breakBudgetText(state.breakMinutesRemaining);
                const button = box.querySelector('.js-timer-break');
                button.textContent = state.onBreak ? utils.gettext('End break') : utils.gettext('Take a break');
                button.setAttribute('data-action', state.onBreak ? 'end-break' : 'take-break');
                button.hidden = current === 'paused' || (!state.onBreak && state.breakMinutesRemaining === 0);
            }
            this.noticeAdjustments(data.attempt_id, state, current);
        }

        /** Show and announce what changed since the learner last looked (kept across the reloads). */
        noticeAdjustments(attemptId, state, current) {
            let seen = this.seenAdjustments;
            if (!seen || seen.attempt !== attemptId) {
                seen = readSeen(attemptId) || {attempt: attemptId, extension: state.extensionMinutes, clock: 'running'};
            }
            const delta = state.extensionMinutes - (Number(seen.extension) || 0);
            const added = extensionMessage(delta, current === 'running' ? formatEndTime(this.timing) : '');
            const messages = [clockStateMessage(seen.clock, current), added].filter(Boolean);
            this.seenAdjustments = {attempt: attemptId, extension: state.extensionMinutes, clock: current};
            writeSeen(attemptId, this.seenAdjustments);
            if (added) {
                const notice = this.adjustmentsEl.querySelector('.proctoring-time-added');
                notice.textContent = added;
                notice.hidden = false;
            }
            if (messages.length) {
                utils.announce(this.liveRegion, messages.join(' '));
            }
        }

        /** "Take a break" / "End break": the server moves the clock, the next payload shows the result. */
        toggleBreak(button) {
            const data = this.model.toJSON();
            const action = data.on_break ? 'end_break' : 'start_break';
            const errorEl = this.adjustmentsEl.querySelector('.proctoring-timer-error');
            const pending = this.guard.run(
                () => utils.request('PUT', data.exam_started_poll_url, {action}),
                button,
                {releaseOnSuccess: true},
            );
            if (!pending) {
                return Promise.resolve(null);
            }
            return pending.then(() => {
                errorEl.hidden = true;
                errorEl.textContent = '';
                return this.poll();
            }, (error) => {
                errorEl.textContent = (error && error.data && typeof error.data.detail === 'string')
                    ? error.data.detail
                    : utils.gettext('The break could not be changed. Try again.');
                errorEl.hidden = false;
            });
        }

        handleClick(event) {
            const target = event.target && event.target.closest ? event.target : null;
            if (!target) {
                return;
            }
            const endButton = target.closest('[data-action="end-exam"], .exam-button-turn-in-exam, .js-end-exam');
            if (endButton && this.el.contains(endButton)) {
                event.preventDefault();
                this.endExam(endButton);
                return;
            }
            const toggle = target.closest('#toggle_timer');
            if (toggle) {
                event.preventDefault();
                const hidden = toggle.getAttribute('aria-pressed') !== 'true';
                this.applyTimerHidden(hidden);
                writeTimerHidden(hidden);
                return;
            }
            const showMore = target.closest('.js-toggle-show-more');
            if (showMore) {
                event.preventDefault();
                this.toggleShowMore(showMore);
            }
        }

        // "End my exam": the attempt moves to ready_to_submit and the learner goes to the exam's page.
        endExam(button) {
            const data = this.model.toJSON();
            return this.guard.run(() => utils.request('PUT', data.exam_started_poll_url, {action: 'stop'}).then(() => {
                this.leaving = true;
                this.stop();
                this.navigate(data.exam_url_path);
            }), button);
        }

        applyTimerHidden(hidden) {
            const toggle = this.el.querySelector('#toggle_timer');
            const display = this.el.querySelector('#time_remaining_id');
            if (display) {
                display.hidden = hidden;
            }
            this.el.classList.toggle('timer-hidden', hidden);
            if (toggle) {
                toggle.setAttribute('aria-pressed', String(hidden));
                const label = hidden ? toggle.getAttribute('data-show-text') : toggle.getAttribute('data-hide-text');
                if (label) {
                    toggle.textContent = label;
                }
            }
        }

        toggleShowMore(button) {
            const expanded = button.getAttribute('aria-expanded') !== 'true';
            button.setAttribute('aria-expanded', String(expanded));
            const controlled = button.getAttribute('aria-controls');
            const panel = controlled && root.document ? root.document.getElementById(controlled) : null;
            if (panel) {
                panel.hidden = !expanded;
            }
            this.el.classList.toggle('is-expanded', expanded);
            const label = expanded ? button.getAttribute('data-less-text') : button.getAttribute('data-more-text');
            if (label) {
                button.textContent = label;
            }
        }
    }

    pe.ProctoredExamView = ProctoredExamView;
    pe.timer = {
        clockOffsetMs,
        timingFromPayload,
        remainingSeconds,
        classifyRemaining,
        formatRemaining,
        accessibleRemaining,
        EXPIRY_HOLD_SECONDS,
        POLL_INTERVAL_MS,
        frozenSeconds,
        adjustmentState,
        clockState,
        formatEndTime,
        extensionMessage,
        clockStateMessage,
        breakBudgetText,
    };

    if (typeof module === 'object' && module.exports) {
        module.exports = {ProctoredExamView, timer: pe.timer};
    }
}(typeof window !== 'undefined' ? window : globalThis));
