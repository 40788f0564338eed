/*
 * Exam attempts panel of the Special Exams tab (`edx.instructor_dashboard.proctoring.ProctoredExamAttemptView`),
 * constructed with no options: binds to `.student-proctored-exam-container` (data-course-id). Lists the
 * newest attempt of each learner on each exam (earlier attempts under a disclosure), with a search by
 * username or email, pages of 25, "reset" (removes the learner's attempts on the exam) and "ready to
 * resume" (an errored attempt the learner may continue with the time left). A running attempt can get
 * more time, have extra time taken back, be paused and resumed, each through a dialog asking for a
 * reason (template attempt-time-adjustment.underscore); a filter shows only paused or extended attempts.
 * Template: student-proctored-exam-attempts-grouped.underscore.
 *
 * LTI proctoring (docs/lti.rst): an attempt on the `lti_proctoring` backend has a "Tool reports" disclosure
 * listing what its tool reported (GET …/lti/attempt/<id>/incidents/, loaded when opened: flags counted), and
 * the panel mounts `LtiCourseToolPicker` just before itself (or in a `.lti-course-tool-container` the host
 * placed): the course's tool among the active registrations (GET/PUT …/lti/course_tool/<course_id>/),
 * shown only to staff the route answers and when there is a tool to pick.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;
    const gettext = utils.gettext;

    const LTI_BACKEND = 'lti_proctoring';

    const STATUS_LABELS = {
        created: () => gettext('Created'),
        download_software_clicked: () => gettext('Downloading software'),
        ready_to_start: () => gettext('Ready to start'),
        started: () => gettext('Started'),
        ready_to_submit: () => gettext('Ready to submit'),
        declined: () => gettext('Declined'),
        timed_out: () => gettext('Timed out'),
        submitted: () => gettext('Submitted'),
        second_review_required: () => gettext('Second review required'),
        verified: () => gettext('Verified'),
        rejected: () => gettext('Rejected'),
        error: () => gettext('Error'),
        onboarding_missing: () => gettext('Onboarding missing'),
        onboarding_pending: () => gettext('Onboarding pending'),
        onboarding_failed: () => gettext('Onboarding failed'),
        onboarding_expired: () => gettext('Onboarding expired'),
        onboarding_reset: () => gettext('Onboarding reset'),
    };

    function statusLabel(status) {
        return STATUS_LABELS[status] ? STATUS_LABELS[status]() : status;
    }

    function examTypeLabel(exam) {
        if (!exam.is_proctored) {
            return gettext('Timed');
        }
        return exam.is_practice_exam ? gettext('Practice') : gettext('Proctored');
    }

    function formatDate(value) {
        if (!value) {
            return '';
        }
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
    }

    /** `runningStatuses`: the page's "running" group, read once per list rather than once per attempt. */
    function describeAttempt(attempt, runningStatuses = utils.statusGroup('running')) {
        const exam = attempt.proctored_exam || {};
        return {
            id: attempt.id,
            user_id: attempt.user && attempt.user.id,
            username: attempt.user && attempt.user.username,
            exam_id: exam.id,
            exam_name: exam.exam_name,
            exam_type: examTypeLabel(exam),
            allowed_time: attempt.allowed_time_limit_mins,
            started_at: formatDate(attempt.started_at),
            completed_at: formatDate(attempt.completed_at),
            status: attempt.status,
            status_label: statusLabel(attempt.status),
            can_resume: attempt.status === 'error' && Boolean(attempt.is_resumable) && !attempt.ready_to_resume,
            is_ready_to_resume: Boolean(attempt.ready_to_resume),
            is_running: runningStatuses.includes(attempt.status),
            paused: Boolean(attempt.paused),
            review_overdue: Boolean(attempt.review_overdue),
            extension_minutes: Number(attempt.extension_minutes) || 0,
            has_extension: (Number(attempt.extension_minutes) || 0) > 0,
            is_lti: exam.backend === LTI_BACKEND,
        };
    }

    // -- LTI proctoring: what the tool reported about an attempt, and the course's tool --------------------

    const LTI_EVENT_LABELS = {
        flag: () => gettext('Flagged'),
        pause: () => gettext('Paused'),
        resume: () => gettext('Resumed'),
        update: () => gettext('Time added'),
        terminate: () => gettext('Terminated'),
    };

    /** One line of a tool's report: "Flagged · severity 0.8 · reason 3 · Second person in view · 10:02". */
    function describeIncident(event) {
        const label = LTI_EVENT_LABELS[event.action];
        const severity = typeof event.incident_severity === 'number'
            ? utils.interpolate(gettext('severity {severity}'), {severity: event.incident_severity}) : '';
        return [
            label ? label() : event.action,
            severity,
            event.reason_code ? utils.interpolate(gettext('reason {code}'), {code: event.reason_code}) : '',
            event.reason_msg || '',
            formatDate(event.incident_time),
        ].filter(Boolean).join(' · ');
    }

    /** Fill `region` with the attempt's reports: the count of flags, then every report, oldest first. */
    function showIncidents(region, data) {
        region.textContent = '';
        const events = data && Array.isArray(data.events) ? data.events : null;
        const summary = root.document.createElement('p');
        summary.className = 'attempt-lti-incident-count';
        if (!events) {
            summary.textContent = gettext('The reports could not be loaded.');
            region.appendChild(summary);
            return;
        }
        const flags = events.filter((event) => event.action === 'flag').length;
        summary.textContent = utils.interpolate(
            utils.ngettext('{count} flagged incident.', '{count} flagged incidents.', flags), {count: flags},
        );
        region.appendChild(summary);
        if (!events.length) {
            return;
        }
        const list = root.document.createElement('ul');
        list.className = 'attempt-lti-incident-list';
        events.forEach((event) => {
            const item = root.document.createElement('li');
            item.className = `attempt-lti-incident attempt-lti-incident-${event.action}`;
            item.textContent = describeIncident(event);
            list.appendChild(item);
        });
        region.appendChild(list);
    }

    /**
     * The course's LTI proctoring tool (`edx.instructor_dashboard.proctoring.LtiCourseToolPicker`): a select
     * of the active registrations and the current choice; template lti-course-tool.underscore. Hidden when
     * the route refuses (not staff) or there is nothing to pick.
     */
    class LtiCourseToolPicker {
        /** The picker in the host's `.lti-course-tool-container`, else in a new one just before `el`. */
        static mountBefore(el, courseId) {
            let container = root.document.querySelector('.lti-course-tool-container');
            if (!container && el.parentNode) {
                container = root.document.createElement('div');
                container.className = 'lti-course-tool-container';
                el.parentNode.insertBefore(container, el);
            }
            return container ? new LtiCourseToolPicker({el: container, courseId}) : null;
        }

        constructor(options) {
            this.el = options.el;
            this.courseId = options.courseId || this.el.getAttribute('data-course-id');
            this.url = utils.apiUrl(`/lti/course_tool/${this.courseId}/`);
            this.guard = new utils.SubmitGuard();
            this.message = '';
            this.el.hidden = true;
            this.el.addEventListener('submit', (event) => this.handleSubmit(event));
            this.ready = Promise.all([utils.loadTemplate('lti-course-tool'), utils.getJSON(this.url)]).then(
                ([render, data]) => {
                    this.renderTemplate = render;
                    this.show(data);
                    return this;
                },
                () => this,
            );
        }

        show(data) {
            const chosen = data && data.registration;
            const registrations = ((data && data.registrations) || []).slice();
            if (chosen && !registrations.some((tool) => tool.id === chosen.id)) {
                registrations.unshift(chosen); // chosen, then switched off: still what the course uses
            }
            this.data = data;
            if (!registrations.length) {
                this.el.hidden = true;
                this.el.innerHTML = '';
                return;
            }
            this.el.innerHTML = this.renderTemplate({
                registration: chosen,
                registrations: registrations.map((tool) => Object.assign({}, tool, {
                    selected: Boolean(chosen && chosen.id === tool.id),
                })),
                message: this.message,
            });
            this.el.hidden = false;
        }

        handleSubmit(event) {
            const form = event.target && event.target.closest ? event.target.closest('.js-lti-tool-form') : null;
            if (!form) {
                return null;
            }
            event.preventDefault();
            const value = form.querySelector('[name="registration_id"]').value;
            const registrationId = value ? Number(value) : null;
            return this.guard.run(() => utils.request('PUT', this.url, {registration_id: registrationId}).then((result) => {
                const chosen = result.data && result.data.registration;
                this.message = chosen
                    ? utils.interpolate(gettext('The LTI-proctored exams of this course now use {name}.'), {name: chosen.name})
                    : gettext('This course has no LTI proctoring tool now.');
                this.show(result.data);
            }, (error) => {
                const detail = error && error.data && error.data.detail;
                this.message = typeof detail === 'string' ? detail : gettext('The tool could not be saved.');
                this.show(this.data);
            }), form.querySelector('[type="submit"]'), {releaseOnSuccess: true});
        }
    }

    // -- the clock of a running attempt: more time, take some back, pause, resume ---------------------------

    const ADJUSTMENT_KINDS = {
        extension: {
            title: () => gettext('Add time'),
            submit: () => gettext('Add time'),
            reasonRequired: true,
            done: (values) => utils.interpolate(utils.ngettext(
                '{minutes} minute was added to the attempt of {username}.',
                '{minutes} minutes were added to the attempt of {username}.', values.minutes,
            ), values),
        },
        revoke: {
            title: () => gettext('Take back extra time'),
            submit: () => gettext('Take back time'),
            reasonRequired: true,
            done: (values) => utils.interpolate(utils.ngettext(
                '{minutes} minute was taken back from the attempt of {username}.',
                '{minutes} minutes were taken back from the attempt of {username}.', values.minutes,
            ), values),
        },
        pause: {
            title: () => gettext('Pause the attempt'),
            submit: () => gettext('Pause'),
            reasonRequired: true,
            done: (values) => utils.interpolate(gettext('The attempt of {username} is paused.'), values),
        },
        resume: {
            title: () => gettext('Resume the attempt'),
            submit: () => gettext('Resume'),
            reasonRequired: false,
            done: (values) => utils.interpolate(gettext('The attempt of {username} is running again.'), values),
        },
    };

    const HISTORY_LABELS = {
        extension: (minutes) => (minutes < 0
            ? utils.interpolate(gettext('{minutes} minutes taken back'), {minutes: -minutes})
            : utils.interpolate(gettext('{minutes} minutes added'), {minutes})),
        pause: () => gettext('Paused'),
        resume: (minutes) => utils.interpolate(gettext('Resumed after {minutes} minutes'), {minutes}),
        break_start: () => gettext('Break started'),
        break_end: (minutes) => utils.interpolate(gettext('Break ended after {minutes} minutes'), {minutes}),
    };

    /** One line of an attempt's clock history: "Paused · staff · 10:02 · machine crashed". */
    function describeAdjustment(adjustment) {
        const label = HISTORY_LABELS[adjustment.kind];
        const minutes = Number(adjustment.minutes) || 0;
        return [
            label ? label(minutes) : adjustment.kind,
            typeof adjustment.actor === 'string' ? adjustment.actor : '',
            formatDate(adjustment.created),
            adjustment.reason || '',
        ].filter(Boolean).join(' · ');
    }

    /**
     * The dialog for one change to a running attempt's clock (`kind`: extension, revoke, pause or resume).
     * Template: attempt-time-adjustment.underscore; POSTs …/attempt/<id>/time_adjustments and shows the
     * server's refusal (400 detail) inside the dialog.
     */
    class TimeAdjustmentDialog {
        constructor(options) {
            this.options = options;
            this.attempt = options.attempt;
            this.kind = options.kind;
            this.spec = ADJUSTMENT_KINDS[this.kind];
            this.model = new ns.ProctoredExamAttemptModel({id: this.attempt.id});
            this.guard = new utils.SubmitGuard();
        }

        open() {
            return utils.loadTemplate('attempt-time-adjustment').then((render) => {
                this.dialog = new root.edx.proctoring.ModalDialog({
                    title: this.spec.title(),
                    html: render(Object.assign({}, this.attempt, {
                        kind: this.kind,
                        reason_required: this.spec.reasonRequired,
                        submit_label: this.spec.submit(),
                    })),
                    opener: this.options.opener,
                    onSubmit: (form) => this.submit(form),
                });
                this.dialog.open();
                this.history = this.model.timeAdjustments().then((data) => this.showHistory(data), () => this.showHistory(null));
                return this;
            });
        }

        showHistory(data) {
            const region = this.dialog.dialog && this.dialog.dialog.querySelector('.js-adjustment-history');
            if (!region) {
                return;
            }
            if (!data) {
                region.textContent = gettext('The history could not be loaded.');
                return;
            }
            const deadline = this.dialog.dialog.querySelector('.js-adjustment-deadline');
            if (deadline && data.deadline) {
                deadline.textContent = data.paused
                    ? gettext('Paused')
                    : utils.interpolate(gettext('Running, ends {deadline}'), {deadline: formatDate(data.deadline)});
            }
            const adjustments = Array.isArray(data.adjustments) ? data.adjustments : [];
            if (!adjustments.length) {
                region.textContent = gettext('No changes yet.');
                return;
            }
            const list = root.document.createElement('ul');
            list.className = 'proctoring-adjustment-list';
            adjustments.forEach((adjustment) => {
                const item = root.document.createElement('li');
                item.textContent = describeAdjustment(adjustment);
                list.appendChild(item);
            });
            region.textContent = '';
            region.appendChild(list);
        }

        /** The request body for the form, or [message, field] for the first problem. */
        read(form) {
            const reasonField = form.querySelector('[name="reason"]');
            const reason = (reasonField.value || '').trim();
            const body = {kind: this.kind === 'revoke' ? 'extension' : this.kind, reason};
            if (this.kind === 'extension' || this.kind === 'revoke') {
                const minutesField = form.querySelector('[name="minutes"]');
                const text = (minutesField.value || '').trim();
                const minutes = /^\d+$/.test(text) ? Number(text) : 0;
                if (minutes < 1) {
                    return {problem: [gettext('Enter a whole number of minutes, 1 or more.'), minutesField]};
                }
                if (this.kind === 'revoke' && minutes > this.attempt.extension_minutes) {
                    return {problem: [utils.interpolate(
                        gettext('At most {minutes} minutes can be taken back: only the extra time granted.'),
                        {minutes: this.attempt.extension_minutes},
                    ), minutesField]};
                }
                body.minutes = this.kind === 'revoke' ? -minutes : minutes;
                const pastDue = form.querySelector('[name="past_due_date"]');
                body.past_due_date = Boolean(pastDue && pastDue.checked);
            }
            if (this.spec.reasonRequired && !reason) {
                return {problem: [gettext('Say why: the reason is kept in the attempt\'s history.'), reasonField]};
            }
            return {body};
        }

        submit(form) {
            const {body, problem} = this.read(form);
            if (problem) {
                this.dialog.showError(problem[0], problem[1]);
                return null;
            }
            return this.guard.run(() => this.model.adjustTime(body).then(() => {
                this.dialog.close();
                if (this.options.onSaved) {
                    this.options.onSaved(this.spec.done({
                        minutes: Math.abs(body.minutes || 0), username: this.attempt.username,
                    }));
                }
            }, (error) => {
                const detail = error && error.data && error.data.detail;
                this.dialog.showError(typeof detail === 'string' ? detail : gettext('The change could not be made.'));
                throw error;
            }), form.querySelector('[type="submit"]'), {releaseOnSuccess: true});
        }
    }

    class ProctoredExamAttemptView {
        constructor(options) {
            const found = ns.findContainer(options, '.student-proctored-exam-container');
            this.el = found.el;
            this.courseId = found.courseId;
            this.collection = new ns.ProctoredExamAttemptGroupedCollection([], {courseId: this.courseId});
            this.guard = new utils.SubmitGuard();
            this.message = '';
            if (!this.el) {
                this.ready = Promise.resolve(this);
                return;
            }
            this.el.addEventListener('click', (event) => this.handleClick(event));
            this.el.addEventListener('submit', (event) => this.handleSubmit(event));
            this.el.addEventListener('change', (event) => this.handleFilterChange(event));
            this.ready = utils.mountPanel(this, utils.loadTemplate('student-proctored-exam-attempts-grouped'));
            this.toolPicker = LtiCourseToolPicker.mountBefore(this.el, this.courseId);
        }

        refresh(message) {
            if (message !== undefined) {
                this.message = message;
            }
            return this.collection.fetch().then(() => this.render(), (error) => {
                this.message = (error && error.message) || gettext('The exam attempts could not be loaded.');
                return this.render();
            });
        }

        render() {
            if (!this.el || !this.renderTemplate) {
                return this;
            }
            const pagination = this.collection.pagination;
            const running = utils.statusGroup('running');
            const describe = (attempt) => describeAttempt(attempt, running);
            const attempts = this.collection.models.map((attempt) => Object.assign(describe(attempt), {
                earlier_attempts: (attempt.all_attempts || []).filter((other) => other.id !== attempt.id).map(describe),
            }));
            this.el.innerHTML = this.renderTemplate({
                attempts,
                search_text: this.collection.searchText,
                is_search: Boolean(this.collection.searchText),
                filter: this.collection.filter,
                message: this.message,
                current_page: pagination.current_page,
                total_pages: pagination.total_pages,
                has_previous: pagination.has_previous,
                has_next: pagination.has_next,
                previous_page: pagination.current_page - 1,
                next_page: pagination.current_page + 1,
                show_pagination: pagination.total_pages > 1,
            });
            return this;
        }

        focus(selector) {
            const target = this.el.querySelector(selector);
            if (target) {
                target.focus();
            }
        }

        search(text) {
            this.collection.searchText = (text || '').trim();
            this.collection.page = 1;
            return this.refresh('').then(() => {
                const count = this.collection.models.length;
                this.message = this.collection.searchText
                    ? utils.interpolate(utils.ngettext('{count} result.', '{count} results.', count), {count})
                    : '';
                this.render();
                this.focus('#proctored-exam-attempts-search');
            });
        }

        goToPage(page) {
            this.collection.page = page;
            return this.refresh('').then(() => this.focus('.js-attempts-table-title'));
        }

        handleSubmit(event) {
            const form = event.target && event.target.closest ? event.target.closest('.js-attempts-search') : null;
            if (!form) {
                return;
            }
            event.preventDefault();
            this.search(form.querySelector('[name="search"]').value);
        }

        handleClick(event) {
            const target = event.target && event.target.closest ? event.target : null;
            if (!target) {
                return;
            }
            const clear = target.closest('.js-clear-search');
            if (clear) {
                event.preventDefault();
                this.search('');
                return;
            }
            const page = target.closest('.js-page');
            if (page) {
                event.preventDefault();
                this.goToPage(Number(page.getAttribute('data-page')) || 1);
                return;
            }
            const reset = target.closest('.js-reset-attempt');
            if (reset) {
                event.preventDefault();
                this.resetAttempts(reset);
                return;
            }
            const resume = target.closest('.js-resume-attempt');
            if (resume) {
                event.preventDefault();
                this.markReadyToResume(resume);
                return;
            }
            const adjust = target.closest('.js-adjust-time');
            if (adjust) {
                event.preventDefault();
                this.adjustTime(adjust);
                return;
            }
            const reports = target.closest('.js-lti-incidents');
            if (reports) {
                event.preventDefault();
                this.toggleIncidents(reports);
            }
        }

        /** Open (loading them) or close the tool's reports of the row's attempt. */
        toggleIncidents(button) {
            const region = this.el.querySelector(`#${button.getAttribute('aria-controls')}`);
            if (!region) {
                return null;
            }
            const open = button.getAttribute('aria-expanded') !== 'true';
            button.setAttribute('aria-expanded', open ? 'true' : 'false');
            region.hidden = !open;
            if (!open) {
                return null;
            }
            region.textContent = gettext('Loading…');
            const url = utils.apiUrl(`/lti/attempt/${encodeURIComponent(button.getAttribute('data-attempt-id'))}/incidents/`);
            return utils.getJSON(url).then((data) => showIncidents(region, data), () => showIncidents(region, null));
        }

        /** Only the paused or the extended attempts (`filter`), or all of them (''). */
        handleFilterChange(event) {
            const select = event.target && event.target.closest ? event.target.closest('.js-attempts-filter') : null;
            if (!select) {
                return null;
            }
            this.collection.filter = select.value || '';
            this.collection.page = 1;
            return this.refresh('').then(() => {
                const count = this.collection.models.length;
                this.message = this.collection.filter
                    ? utils.interpolate(utils.ngettext('{count} attempt shown.', '{count} attempts shown.', count), {count})
                    : '';
                this.render();
                this.focus('.js-attempts-filter');
            });
        }

        /** Open the dialog for a row's "Add time", "Take back time", "Pause" or "Resume" button. */
        adjustTime(button) {
            const attemptId = button.getAttribute('data-attempt-id');
            const found = this.collection.models.find((attempt) => String(attempt.id) === String(attemptId));
            if (!found) {
                return null;
            }
            const dialog = new TimeAdjustmentDialog({
                attempt: describeAttempt(found),
                kind: button.getAttribute('data-kind'),
                opener: button,
                onSaved: (message) => this.refresh(message).then(() => this.focus('.js-attempts-status')),
            });
            return dialog.open();
        }

        runAction(button, question, action, success) {
            if (typeof root.confirm === 'function' && !root.confirm(question)) {
                return null;
            }
            return this.guard.run(() => action().then(
                () => this.refresh(success),
                (error) => this.refresh((error && error.message) || gettext('The action could not be completed.')),
            ).then(() => this.focus('.js-attempts-status')), button, {releaseOnSuccess: true});
        }

        resetAttempts(button) {
            const username = button.getAttribute('data-username');
            const model = new ns.ProctoredExamAttemptModel({
                exam_id: button.getAttribute('data-exam-id'), user_id: button.getAttribute('data-user-id'),
            });
            return this.runAction(
                button,
                utils.interpolate(gettext('Remove every attempt of {username} on this exam? The learner can then start again.'), {username}),
                () => model.resetAttempts(),
                utils.interpolate(gettext('The attempts of {username} were reset.'), {username}),
            );
        }

        markReadyToResume(button) {
            const username = button.getAttribute('data-username');
            const model = new ns.ProctoredExamAttemptModel({
                id: button.getAttribute('data-attempt-id'), user_id: Number(button.getAttribute('data-user-id')),
            });
            return this.runAction(
                button,
                utils.interpolate(gettext('Let {username} continue this attempt with the time that was left?'), {username}),
                () => model.markReadyToResume(),
                utils.interpolate(gettext('{username} can now resume the exam.'), {username}),
            );
        }
    }

    ns.ProctoredExamAttemptView = ProctoredExamAttemptView;
    ns.LtiCourseToolPicker = LtiCourseToolPicker;
}(typeof window !== 'undefined' ? window : globalThis));
