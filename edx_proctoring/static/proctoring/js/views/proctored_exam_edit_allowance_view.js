/*
 * "Edit allowance" dialog (`edx.instructor_dashboard.proctoring.EditAllowanceView`): change the value of
 * one learner's allowance on one exam. Template: edit-allowance.underscore.
 *
 *   new EditAllowanceView({allowance: {exam_id, exam_name, username, user_id, key, value}, opener, onSaved}).open()
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const ns = root.edx.instructor_dashboard.proctoring;
    const gettext = utils.gettext;

    class EditAllowanceView {
        constructor(options) {
            this.options = options || {};
            this.allowance = this.options.allowance || {};
            this.guard = new utils.SubmitGuard();
        }

        open() {
            return utils.loadTemplate('edit-allowance').then((render) => {
                const data = Object.assign({}, this.allowance, {
                    key_label: ns.ProctoredExamAllowanceModel.labelFor(this.allowance.key),
                    is_minutes: this.allowance.key === 'additional_time_granted',
                    is_break_minutes: this.allowance.key === 'break_minutes',
                });
                this.dialog = new root.edx.proctoring.ModalDialog({
                    title: gettext('Edit allowance'),
                    html: render(data),
                    opener: this.options.opener,
                    onSubmit: (form) => this.submit(form),
                });
                this.dialog.open();
                return this;
            });
        }

        submit(form) {
            const input = form.querySelector('[name="value"]');
            const value = (input.value || '').trim();
            const minutes = ns.ProctoredExamAllowanceModel.MINUTE_TYPES.includes(this.allowance.key);
            if (!value || (minutes && !/^\d+$/.test(value))) {
                this.dialog.showError(this.allowance.key === 'break_minutes'
                    ? gettext('Enter the break time as a whole number of minutes.')
                    : gettext('Enter the extra time as a whole number of minutes.'), input);
                return null;
            }
            const model = new ns.ProctoredExamAllowanceModel({
                exam_id: this.allowance.exam_id,
                user_info: this.allowance.username,
                key: this.allowance.key,
                value,
            });
            return this.guard.run(() => model.save().then(() => {
                this.dialog.close();
                if (this.options.onSaved) {
                    this.options.onSaved(gettext('The allowance was updated.'));
                }
            }, (error) => {
                const detail = error && error.data && error.data.detail;
                this.dialog.showError(typeof detail === 'string' ? detail : gettext('The allowance could not be updated.'), input);
                throw error;
            }), form.querySelector('[type="submit"]'), {releaseOnSuccess: true});
        }
    }

    ns.EditAllowanceView = EditAllowanceView;
}(typeof window !== 'undefined' ? window : globalThis));
