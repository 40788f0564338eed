/*
 * The learner's onboarding status in a course (global `LearnerOnboardingModel`):
 * GET /api/edx_proctoring/v1/user_onboarding/status?course_id=…[&username=…].
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;

    class LearnerOnboardingModel extends utils.Model {
        constructor(attributes, options) {
            super(attributes, options);
            this.courseId = (options && options.courseId) || null;
            this.username = (options && options.username) || null;
            this.url = () => {
                const query = new URLSearchParams();
                if (this.courseId) {
                    query.set('course_id', this.courseId);
                }
                if (this.username) {
                    query.set('username', this.username);
                }
                return `${utils.apiUrl('/user_onboarding/status')}?${query.toString()}`;
            };
        }
    }

    LearnerOnboardingModel.prototype.defaults = {
        onboarding_status: null,
        onboarding_link: null,
        expiration_date: null,
        onboarding_past_due: false,
        onboarding_release_date: null,
        review_requirements_url: null,
    };

    root.LearnerOnboardingModel = LearnerOnboardingModel;
    root.edx.courseware = root.edx.courseware || {};
    root.edx.courseware.proctored_exam = root.edx.courseware.proctored_exam || {};
    root.edx.courseware.proctored_exam.LearnerOnboardingModel = LearnerOnboardingModel;

    if (typeof module === 'object' && module.exports) {
        module.exports = LearnerOnboardingModel;
    }
}(typeof window !== 'undefined' ? window : globalThis));
