/*
 * The learner's onboarding panel on the progress page:
 * `new edx.courseware.proctored_exam.ProctoredExamInfo({el: $('.proctoring-info-panel'), model: new LearnerOnboardingModel()})`.
 * Reads `data-course-id` and `data-username` from the element; hidden when the course has no onboarding exam.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    root.edx.courseware = root.edx.courseware || {};
    const pe = root.edx.courseware.proctored_exam = root.edx.courseware.proctored_exam || {};

    const gettext = utils.gettext;

    // [summary, what to do next] for each status the endpoint reports.
    const STATUS_TEXT = {
        none: () => [gettext('Not started'), gettext('Complete the onboarding exam before you take a proctored exam.')],
        created: () => [gettext('Setup started'), gettext('Finish the onboarding exam before you take a proctored exam.')],
        download_software_clicked: () => STATUS_TEXT.created(),
        ready_to_start: () => STATUS_TEXT.created(),
        started: () => [gettext('In progress'), gettext('Finish and submit the onboarding exam.')],
        ready_to_submit: () => STATUS_TEXT.started(),
        submitted: () => [gettext('Submitted'), gettext('Your onboarding exam is being reviewed. Reviews can take a few business days.')],
        second_review_required: () => STATUS_TEXT.submitted(),
        verified: () => [gettext('Approved'), gettext('You can take the proctored exams of this course.')],
        other_course_approved: () => [gettext('Approved in another course'), gettext('Your onboarding in another course is valid here; you can also complete this course\'s onboarding exam.')],
        rejected: () => [gettext('Not approved'), gettext('Your onboarding exam was not approved. Take the onboarding exam again.')],
        error: () => [gettext('Error'), gettext('Your onboarding exam was interrupted by an error. Take the onboarding exam again.')],
        expired: () => [gettext('Expired'), gettext('Your onboarding has expired. Take the onboarding exam again.')],
    };

    function describe(status) {
        const entry = STATUS_TEXT[status || 'none'] || STATUS_TEXT.none;
        return entry();
    }

    class ProctoredExamInfo {
        constructor(options) {
            const opts = options || {};
            const doc = root.document;
            this.el = utils.unwrapElement(opts.el) || (doc ? doc.querySelector('.proctoring-info-panel') : null);
            this.model = opts.model || new root.LearnerOnboardingModel();
            if (this.el) {
                this.el.__proctoredExamInfo = this;
                this.model.courseId = this.el.getAttribute('data-course-id') || this.model.courseId;
                this.model.username = this.el.getAttribute('data-username') || this.model.username;
            }
            this.templatePromise = utils.loadTemplate('proctored-exam-info');
            this.templatePromise.catch(() => null); // rendering reports it; never an unhandled rejection
            this.loaded = false;
            if (this.el) {
                this.el.hidden = true;
            }
            this.ready = this.model.fetch().then(() => {
                this.loaded = true;
                return this.render();
            }, () => {
                // No onboarding exam (404) or no access: the panel stays hidden.
                this.loaded = false;
            });
        }

        render() {
            if (!this.el || !this.loaded) {
                return Promise.resolve(this);
            }
            const data = this.model.toJSON();
            const [summary, advice] = describe(data.onboarding_status);
            const context = Object.assign({}, data, {
                status_summary: summary,
                status_advice: advice,
                is_approved: ['verified', 'other_course_approved'].includes(data.onboarding_status),
                expiration_text: data.expiration_date ? new Date(data.expiration_date).toLocaleDateString() : '',
                release_text: data.onboarding_release_date ? new Date(data.onboarding_release_date).toLocaleDateString() : '',
            });
            return this.templatePromise.then((render) => {
                this.el.innerHTML = render(context);
                this.el.hidden = false;
                return this;
            }, () => this);
        }
    }

    pe.ProctoredExamInfo = ProctoredExamInfo;
    pe.describeOnboardingStatus = describe;

    if (typeof module === 'object' && module.exports) {
        module.exports = ProctoredExamInfo;
    }
}(typeof window !== 'undefined' ? window : globalThis));
