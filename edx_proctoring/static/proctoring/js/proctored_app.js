/*
 * Boots the learner pieces on pages that have their containers, unless the host page already mounted
 * them: the timer bar (`.proctored_exam_status` + `#proctored-exam-status-tpl`) and the onboarding
 * panel (`.proctoring-info-panel`). edx-platform mounts both itself; this covers other hosts.
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const pe = root.edx.courseware.proctored_exam;

    function boot() {
        const doc = root.document;
        const timerEl = doc.querySelector('.proctored_exam_status');
        if (timerEl && doc.querySelector('#proctored-exam-status-tpl') && !timerEl.__proctoredExamView) {
            new pe.ProctoredExamView({
                el: timerEl,
                proctored_template: '#proctored-exam-status-tpl',
                model: new root.ProctoredExamModel(),
            }).render();
        }
        const infoEl = doc.querySelector('.proctoring-info-panel');
        if (infoEl && !infoEl.__proctoredExamInfo) {
            new pe.ProctoredExamInfo({el: infoEl, model: new root.LearnerOnboardingModel()});
        }
    }

    // Let the host's own inline scripts run first (they construct the same views).
    utils.onReady(() => root.setTimeout(boot, 0));
}(typeof window !== 'undefined' ? window : globalThis));
