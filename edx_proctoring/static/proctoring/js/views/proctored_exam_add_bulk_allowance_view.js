/*
 * "Add allowance" dialog (`edx.instructor_dashboard.proctoring.AddBulkAllowanceView`): one allowance for
 * many learners (usernames or emails) on many exams, as extra minutes, a time multiplier, a review
 * policy exception, or break minutes (a budget the learner may pause the clock for). Template: add-new-bulk-allowance.underscore.
 *
 *   new AddBulkAllowanceView({courseId, exams: [exam, …], opener, onSaved(message, partial)}).open()
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;
    const gettext = utils.gettext;

    function checkedValues(form, name) {
        return Array.from(form.querySelectorAll(`[name="${name}"]`)).filter((input) => input.checked).map((input) => input.value);
    }

    function field(form, name) {
        return form.querySelector(`[name="${name}"]`);
    }

    class AddBulkAllowanceView {
        constructor(options) {
            this.options = options || {};
            this.guard = new utils.SubmitGuard();
        }

        templateData() {
            const exams = (this.options.exams || []).map((exam) => Object.assign({}, exam, {
                type: ns.ProctoredExamCollection.examType(exam),
            }));
            return {
                timed_exams: exams.filter((exam) => exam.type === 'timed'),
                proctored_exams: exams.filter((exam) => exam.type !== 'timed'),
                allowance_types: ns.ProctoredExamAllowanceModel.TYPES.map((type) => ({key: type.key, label: type.label()})),
            };
        }

        open() {
            return utils.loadTemplate('add-new-bulk-allowance').then((render) => {
                this.dialog = new root.edx.proctoring.ModalDialog({
                    title: gettext('Add allowance'),
                    html: render(this.templateData()),
                    opener: this.options.opener,
                    onSubmit: (form) => this.submit(form),
                });
                this.dialog.open();
                return this;
            });
        }

        /** Checks the form; returns [message, field] for the first problem, or null. */
        validate(form) {
            if (!checkedValues(form, 'exam_ids').length) {
                return [gettext('Select at least one exam.'), form.querySelector('[name="exam_ids"]')];
            }
            const users = (field(form, 'user_ids').value || '').split(',').map((item) => item.trim()).filter(Boolean);
            if (!users.length) {
                return [gettext('Enter at least one username or email.'), field(form, 'user_ids')];
            }
            const type = field(form, 'allowance_type').value;
            const value = (field(form, 'value').value || '').trim();
            if (type === 'additional_time_granted' && !/^\d+$/.test(value)) {
                return [gettext('Enter the extra time as a whole number of minutes.'), field(form, 'value')];
            }
            if (type === 'break_minutes' && !/^\d+$/.test(value)) {
                return [gettext('Enter the break time as a whole number of minutes.'), field(form, 'value')];
            }
            if (type === 'time_multiplier' && !(Number(value) >= 1)) {
                return [gettext('Enter a time multiplier of 1 or more, for example 1.5.'), field(form, 'value')];
            }
            if (!value) {
                return [gettext('Enter a value.'), field(form, 'value')];
            }
            return null;
        }

        submit(form) {
            const problem = this.validate(form);
            if (problem) {
                this.dialog.showError(problem[0], problem[1]);
                return null;
            }
            const submitButton = form.querySelector('[type="submit"]');
            const model = new ns.ProctoredExamBulkAllowanceModel({
                course_id: this.options.courseId,
                exam_ids: checkedValues(form, 'exam_ids'),
                user_ids: field(form, 'user_ids').value.split(',').map((item) => item.trim()).filter(Boolean),
                allowance_type: field(form, 'allowance_type').value,
                value: field(form, 'value').value.trim(),
            });
            return this.guard.run(() => model.save().then((result) => {
                this.dialog.close();
                const partial = result.status === 207;
                const message = partial
                    ? describePartialSuccess(result.data, this.options.exams)
                    : gettext('The allowances were added.');
                if (this.options.onSaved) {
                    this.options.onSaved(message, partial);
                }
            }, (error) => {
                const data = (error && error.data) || {};
                const target = {user_info: 'user_ids', allowance_value: 'value', exam_ids: 'exam_ids'}[data.field];
                this.dialog.showError(
                    typeof data.detail === 'string' ? data.detail : gettext('The allowances could not be added.'),
                    target ? form.querySelector(`[name="${target}"]`) : null,
                );
                throw error;
            }), submitButton, {releaseOnSuccess: true});
        }
    }

    /**
     * The message of a 207: which (learner, exam) pairs failed and why, from the `status` and `detail` each
     * pair carries; a server that gives no outcome per pair gets the general message.
     */
    function describePartialSuccess(pairs, exams) {
        const general = gettext('Some allowances were added, but not all: check the usernames and emails in the list below.');
        if (!Array.isArray(pairs) || !pairs.some((pair) => pair && pair.status)) {
            return general;
        }
        const names = new Map((exams || []).map((exam) => [String(exam.id), exam.exam_name]));
        const failed = pairs.filter((pair) => pair && pair.status === 'failure').map((pair) => {
            const exam = names.get(String(pair.exam_id)) || utils.interpolate(gettext('exam {id}'), {id: pair.exam_id});
            const what = utils.interpolate(gettext('{user} on {exam}'), {user: pair.user_id, exam});
            return pair.detail ? `${what} (${pair.detail})` : what;
        });
        if (!failed.length) {
            return general;
        }
        return utils.interpolate(
            gettext('Some allowances were not added: {failures}. The others were added.'),
            {failures: failed.join('; ')},
        );
    }

    ns.AddBulkAllowanceView = AddBulkAllowanceView;
    ns.AddBulkAllowanceView.describePartialSuccess = describePartialSuccess;
}(typeof window !== 'undefined' ? window : globalThis));
