/*
 * An accessible modal dialog (`edx.proctoring.ModalDialog`): role=dialog with aria-modal and a labelled
 * title, focus moved inside on open and kept there (Tab / Shift+Tab wrap), Escape or the close button
 * closes it, and focus returns to the element that opened it.
 *
 *   const dialog = new ModalDialog({title, html, opener, onSubmit(form, dialog)});
 *   dialog.open();   // the first <form> inside calls onSubmit instead of submitting
 */
(function (root) {
    'use strict';

    const utils = root.edx.proctoring.utils;
    const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';
    let counter = 0;

    class ModalDialog {
        constructor(options) {
            this.options = options || {};
            counter += 1;
            this.titleId = `proctoring-modal-title-${counter}`;
            this.onKeydown = (event) => this.handleKeydown(event);
        }

        open() {
            const doc = root.document;
            this.opener = this.options.opener || doc.activeElement;
            this.backdrop = doc.createElement('div');
            this.backdrop.className = 'proctoring-modal-backdrop';
            this.backdrop.innerHTML = [
                `<div class="proctoring-modal" role="dialog" aria-modal="true" aria-labelledby="${this.titleId}">`,
                '<div class="proctoring-modal-header">',
                `<h2 class="proctoring-modal-title" id="${this.titleId}">${utils.escapeHtml(this.options.title || '')}</h2>`,
                `<button type="button" class="proctoring-modal-close" aria-label="${utils.escapeHtml(utils.gettext('Close'))}">&times;</button>`,
                '</div>',
                `<div class="proctoring-modal-content">${this.options.html || ''}</div>`,
                '</div>',
            ].join('');
            doc.body.appendChild(this.backdrop);
            this.dialog = this.backdrop.querySelector('.proctoring-modal');
            this.backdrop.addEventListener('keydown', this.onKeydown);
            this.backdrop.addEventListener('click', (event) => {
                const target = event.target;
                if (target && target.closest && target.closest('.proctoring-modal-close, [data-dismiss="modal"]')) {
                    event.preventDefault();
                    this.close();
                }
            });
            this.form = this.dialog.querySelector('form');
            if (this.form) {
                this.form.addEventListener('submit', (event) => {
                    event.preventDefault();
                    const pending = this.options.onSubmit ? this.options.onSubmit(this.form, this) : null;
                    if (pending && typeof pending.catch === 'function') {
                        // Failures are shown inside the dialog by the submit handler.
                        pending.catch(() => null);
                    }
                });
            }
            const first = this.focusable().find((el) => !el.classList.contains('proctoring-modal-close'));
            (first || this.dialog).focus();
            return this;
        }

        focusable() {
            if (!this.dialog) {
                return [];
            }
            return Array.from(this.dialog.querySelectorAll(FOCUSABLE)).filter((el) => !el.disabled && !el.hidden);
        }

        handleKeydown(event) {
            if (event.key === 'Escape' || event.key === 'Esc') {
                event.preventDefault();
                this.close();
                return;
            }
            if (event.key !== 'Tab') {
                return;
            }
            const items = this.focusable();
            if (!items.length) {
                return;
            }
            const active = root.document.activeElement;
            const first = items[0];
            const last = items[items.length - 1];
            if (event.shiftKey && active === first) {
                event.preventDefault();
                last.focus();
            } else if (!event.shiftKey && active === last) {
                event.preventDefault();
                first.focus();
            }
        }

        /** Show an error inside the dialog (role=alert) and focus `field` when given. */
        showError(message, field) {
            const region = this.dialog.querySelector('.js-form-error');
            if (region) {
                region.textContent = message;
                region.hidden = false;
            }
            if (field) {
                field.setAttribute('aria-invalid', 'true');
                field.focus();
            }
        }

        close() {
            if (!this.backdrop) {
                return;
            }
            this.backdrop.removeEventListener('keydown', this.onKeydown);
            this.backdrop.remove();
            this.backdrop = null;
            if (this.opener && typeof this.opener.focus === 'function') {
                this.opener.focus();
            }
            if (this.options.onClose) {
                this.options.onClose();
            }
        }
    }

    root.edx.proctoring.ModalDialog = ModalDialog;
}(typeof window !== 'undefined' ? window : globalThis));
