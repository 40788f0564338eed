/*
 * Onboarding panel of the Special Exams tab (`edx.instructor_dashboard.proctoring.ProctoredExamOnboardingView`),
 * constructed with no options: binds to `.student-onboarding-status-container` (data-course-id). Lists
 * each enrolled learner's onboarding status, with a text search, status filters and pages of 25.
 * Template: student-onboarding-status.underscore.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;
    const gettext = utils.gettext;

    const STATUSES = [
        ['not_started', () => gettext('Not started')],
        ['setup_started', () => gettext('Setup started')],
        ['onboarding_started', () => gettext('Onboarding started')],
        ['submitted', () => gettext('Submitted')],
        ['verified', () => gettext('Approved')],
        ['other_course_approved', () => gettext('Approved in another course')],
        ['rejected', () => gettext('Rejected')],
        ['error', () => gettext('Error')],
        ['expired', () => gettext('Expired')],
        ['onboarding_reset_past_due', () => gettext('Reset, past due')],
    ];

    function statusLabel(status) {
        const entry = STATUSES.find(([key]) => key === status);
        return entry ? entry[1]() : status;
    }

    class ProctoredExamOnboardingView {
        constructor(options) {
            const found = ns.findContainer(options, '.student-onboarding-status-container');
            this.el = found.el;
            this.courseId = found.courseId;
            this.collection = new ns.ProctoredExamOnboardingCollection([], {courseId: this.courseId});
            this.message = '';
            this.unavailable = false;
            if (!this.el) {
                this.ready = Promise.resolve(this);
                return;
            }
            this.el.addEventListener('click', (event) => this.handleClick(event));
            this.el.addEventListener('submit', (event) => this.handleSubmit(event));
            this.ready = utils.mountPanel(this, utils.loadTemplate('student-onboarding-status'));
        }

        refresh() {
            return this.collection.fetch().then(() => {
                this.unavailable = false;
                const count = this.collection.count;
                this.message = utils.interpolate(utils.ngettext('{count} learner.', '{count} learners.', count), {count});
                return this.render();
            }, (error) => {
                this.collection.reset([]);
                this.unavailable = error && error.status === 404;
                this.message = this.unavailable
                    ? gettext('This course has no onboarding exam.')
                    : (error && error.message) || gettext('The onboarding statuses could not be loaded.');
                return this.render();
            });
        }

        render() {
            if (!this.el || !this.renderTemplate) {
                return this;
            }
            const selected = new Set(this.collection.statuses);
            this.el.innerHTML = this.renderTemplate({
                unavailable: this.unavailable,
                message: this.message,
                search_text: this.collection.searchText,
                statuses: STATUSES.map(([key, label]) => ({key, label: label(), checked: selected.has(key)})),
                learners: this.collection.models.map((row) => Object.assign({}, row, {
                    status_label: statusLabel(row.status),
                    modified_text: row.modified ? new Date(row.modified).toLocaleString() : '',
                })),
                current_page: this.collection.page,
                total_pages: this.collection.numPages,
                has_previous: this.collection.hasPrevious,
                has_next: this.collection.hasNext,
                previous_page: this.collection.page - 1,
                next_page: this.collection.page + 1,
                show_pagination: this.collection.numPages > 1,
            });
            return this;
        }

        handleSubmit(event) {
            const form = event.target && event.target.closest ? event.target.closest('.js-onboarding-filters') : null;
            if (!form) {
                return;
            }
            event.preventDefault();
            this.collection.searchText = (form.querySelector('[name="text_search"]').value || '').trim();
            this.collection.statuses = Array.from(form.querySelectorAll('[name="statuses"]'))
                .filter((input) => input.checked).map((input) => input.value);
            this.collection.page = 1;
            this.refresh().then(() => {
                const status = this.el.querySelector('.js-onboarding-status-message');
                if (status) {
                    status.focus();
                }
            });
        }

        handleClick(event) {
            const target = event.target && event.target.closest ? event.target : null;
            const page = target ? target.closest('.js-page') : null;
            if (page) {
                event.preventDefault();
                this.collection.page = Number(page.getAttribute('data-page')) || 1;
                this.refresh().then(() => {
                    const title = this.el.querySelector('.js-onboarding-table-title');
                    if (title) {
                        title.focus();
                    }
                });
            }
        }
    }

    ns.ProctoredExamOnboardingView = ProctoredExamOnboardingView;
}(typeof window !== 'undefined' ? window : globalThis));
