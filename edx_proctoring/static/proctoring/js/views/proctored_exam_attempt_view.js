/*
 * Exam attempts panel of the Special Exams tab (`edx.instructor_dashboard.proctoring.ProctoredExamAttemptView`),
 * constructed with no options: binds to `.student-proctored-exam-container` (data-course-id). Lists the
 * newest attempt of each learner on each exam (earlier attempts under a disclosure), with a search by
 * username or email, pages of 25, "reset" (removes the learner's attempts on the exam) and "ready to
 * resume" (an errored attempt the learner may continue with the time left).
 * Template: student-proctored-exam-attempts-grouped.underscore.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;
    const gettext = utils.gettext;

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

    function describeAttempt(attempt) {
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
        };
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
            this.ready = utils.mountPanel(this, utils.loadTemplate('student-proctored-exam-attempts-grouped'));
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
            const attempts = this.collection.models.map((attempt) => Object.assign(describeAttempt(attempt), {
                earlier_attempts: (attempt.all_attempts || []).filter((other) => other.id !== attempt.id).map(describeAttempt),
            }));
            this.el.innerHTML = this.renderTemplate({
                attempts,
                search_text: this.collection.searchText,
                is_search: Boolean(this.collection.searchText),
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
            }
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
}(typeof window !== 'undefined' ? window : globalThis));
