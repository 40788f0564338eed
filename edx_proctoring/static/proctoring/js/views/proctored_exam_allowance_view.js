/*
 * Allowances panel of the Special Exams tab (`edx.instructor_dashboard.proctoring.ProctoredExamAllowanceView`),
 * constructed with no options: it binds to `.special-allowance-container` (data-course-id), lists the
 * course's allowances grouped by learner, 25 allowances a page, and adds (in bulk), edits and deletes them.
 * Template: course_grouped_allowances.underscore.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.instructor_dashboard = root.edx.instructor_dashboard || {};
    const ns = root.edx.instructor_dashboard.proctoring = root.edx.instructor_dashboard.proctoring || {};
    const gettext = utils.gettext;

    /** The container of a Special Exams panel and its course id (shared by the panels of the tab). */
    ns.findContainer = function findContainer(options, selector) {
        const opts = options || {};
        const el = utils.unwrapElement(opts.el) || (root.document ? root.document.querySelector(selector) : null);
        return {el, courseId: opts.courseId || (el ? el.getAttribute('data-course-id') : null)};
    };

    function timeLimitOf(allowance, exams) {
        const own = Number(allowance.proctored_exam.time_limit_mins);
        if (own > 0) {
            return own;
        }
        const exam = exams.models.find((candidate) => candidate.id === allowance.proctored_exam.id);
        return exam ? Number(exam.time_limit_mins) || 0 : 0;
    }

    /**
     * What extra minutes come to on the exam: "30 → 45 min, ×1.5". A bulk time multiplier is stored as
     * extra minutes (as in 6.1.x), so without this a multiplier of 1.5 reads as a bare "15" or "10".
     */
    function extraTimeNote(key, value, timeLimit) {
        const extra = Number(value);
        if (key !== 'additional_time_granted' || !(timeLimit > 0) || !Number.isFinite(extra) || extra <= 0) {
            return '';
        }
        const total = timeLimit + extra;
        const factor = Math.round((total / timeLimit) * 100) / 100;
        return utils.interpolate(gettext('{limit} → {total} min, ×{factor}'), {limit: timeLimit, total, factor});
    }

    class ProctoredExamAllowanceView {
        constructor(options) {
            const found = ns.findContainer(options, '.special-allowance-container');
            this.el = found.el;
            this.courseId = found.courseId;
            this.exams = new ns.ProctoredExamCollection([], {courseId: this.courseId});
            this.collection = new ns.ProctoredExamAllowanceCollection([], {courseId: this.courseId});
            this.guard = new utils.SubmitGuard();
            this.message = '';
            if (!this.el) {
                this.ready = Promise.resolve(this);
                return;
            }
            this.el.addEventListener('click', (event) => this.handleClick(event));
            const loading = Promise.all([
                utils.loadTemplate('course_grouped_allowances'),
                this.exams.fetch().catch(() => []),
            ]).then(([render]) => render);
            this.ready = utils.mountPanel(this, loading);
        }

        refresh(message) {
            if (message !== undefined) {
                this.message = message;
            }
            return this.collection.fetch().then(() => this.render(), (error) => {
                this.message = (error && error.message) || gettext('The allowances could not be loaded.');
                return this.render();
            });
        }

        rows() {
            const examNames = new Map(this.exams.models.map((exam) => [exam.id, exam.exam_name]));
            return this.collection.models.map((learner) => Object.assign({}, learner, {
                allowances: learner.allowances.map((allowance) => ({
                    exam_id: allowance.proctored_exam.id,
                    exam_name: allowance.proctored_exam.exam_name || examNames.get(allowance.proctored_exam.id) || '',
                    user_id: allowance.user.id,
                    username: allowance.user.username,
                    key: allowance.key,
                    key_label: ns.ProctoredExamAllowanceModel.labelFor(allowance.key),
                    value: allowance.value,
                    value_note: extraTimeNote(allowance.key, allowance.value, timeLimitOf(allowance, this.exams)),
                })),
            }));
        }

        render() {
            if (!this.el || !this.renderTemplate) {
                return this;
            }
            const page = this.collection.pagination;
            this.el.innerHTML = this.renderTemplate({
                learners: this.rows(),
                has_exams: this.exams.models.length > 0,
                message: this.message,
                show_pagination: page.num_pages > 1,
                has_previous: page.current_page > 1,
                has_next: page.current_page < page.num_pages,
                previous_page: page.current_page - 1,
                next_page: page.current_page + 1,
                current_page: page.current_page,
                total_pages: page.num_pages,
            });
            return this;
        }

        findAllowance(button) {
            const examId = Number(button.getAttribute('data-exam-id'));
            const userId = Number(button.getAttribute('data-user-id'));
            const key = button.getAttribute('data-key');
            const learner = this.rows().find((entry) => entry.allowances.some((a) => a.user_id === userId));
            return learner ? learner.allowances.find((a) => a.exam_id === examId && a.user_id === userId && a.key === key) : null;
        }

        afterChange(message) {
            return this.refresh(message).then(() => {
                const status = this.el.querySelector('.js-allowance-status');
                if (status) {
                    status.focus();
                }
            });
        }

        handleClick(event) {
            const target = event.target && event.target.closest ? event.target : null;
            if (!target) {
                return;
            }
            const pageButton = target.closest('.js-allowance-page');
            if (pageButton) {
                event.preventDefault();
                this.collection.pageNumber = Number(pageButton.getAttribute('data-page')) || 1;
                this.refresh('');
                return;
            }
            const add = target.closest('.js-add-allowance');
            if (add) {
                event.preventDefault();
                new ns.AddBulkAllowanceView({
                    courseId: this.courseId,
                    exams: this.exams.models,
                    opener: add,
                    onSaved: (message) => this.afterChange(message),
                }).open();
                return;
            }
            const edit = target.closest('.js-edit-allowance');
            if (edit) {
                event.preventDefault();
                const allowance = this.findAllowance(edit);
                if (allowance) {
                    new ns.EditAllowanceView({allowance, opener: edit, onSaved: (message) => this.afterChange(message)}).open();
                }
                return;
            }
            const remove = target.closest('.js-delete-allowance');
            if (remove) {
                event.preventDefault();
                this.deleteAllowance(remove);
            }
        }

        deleteAllowance(button) {
            const allowance = this.findAllowance(button);
            if (!allowance) {
                return null;
            }
            const question = utils.interpolate(
                gettext('Remove the allowance of {username} on "{exam}"?'),
                {username: allowance.username, exam: allowance.exam_name},
            );
            if (typeof root.confirm === 'function' && !root.confirm(question)) {
                return null;
            }
            const model = new ns.ProctoredExamAllowanceModel(allowance);
            return this.guard.run(() => model.destroy().then(
                () => this.afterChange(gettext('The allowance was removed.')),
                (error) => this.afterChange((error && error.message) || gettext('The allowance could not be removed.')),
            ), button, {releaseOnSuccess: true});
        }
    }

    ns.ProctoredExamAllowanceView = ProctoredExamAllowanceView;
    ns.ProctoredExamAllowanceView.extraTimeNote = extraTimeNote;
}(typeof window !== 'undefined' ? window : globalThis));
