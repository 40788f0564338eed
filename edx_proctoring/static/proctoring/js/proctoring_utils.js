/*
 * Shared helpers of the proctoring front-end (ES2018, no dependencies): a safe template function,
 * JSON requests with Django's CSRF token, a tiny event emitter with Model/Collection classes, element
 * unwrapping (jQuery object or DOM element), a double-submit guard and screen-reader announcements.
 *
 * Loaded first in the `proctoring` pipeline group; exposes `edx.proctoring.utils` (and module.exports
 * under Node, for the unit tests).
 */
(function (root, factory) {
    'use strict';
    var api = factory(root);
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    }
}(typeof window !== 'undefined' ? window : globalThis, function (root) {
    'use strict';

    const edx = root.edx = root.edx || {};
    const ns = edx.proctoring = edx.proctoring || {};

    // -- i18n: Django's JavaScript catalog when the page has one, identity otherwise -------------------

    function gettext(text) {
        return typeof root.gettext === 'function' ? root.gettext(text) : text;
    }

    function ngettext(singular, plural, count) {
        if (typeof root.ngettext === 'function') {
            return root.ngettext(singular, plural, count);
        }
        return count === 1 ? singular : plural;
    }

    /** Replace `{name}` placeholders with values (no HTML escaping: for text nodes and attributes set by DOM APIs). */
    function interpolate(format, values) {
        return String(format).replace(/\{(\w+)\}/g, (match, name) => (
            values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match
        ));
    }

    // -- the template function -------------------------------------------------------------------------
    //
    // Syntax (every output is HTML-escaped; there is no raw output):
    //   <%= path.to.value %>            a value from the data
    //   <%t Text with {path} %>         translated text, {path} placeholders filled (escaped) after translation
    //                                   (runs of whitespace count as one space, as make extract_translations reads it)
    //   <% if path %> … <% else %> … <% end %>     also `if path == "x"`, `if path != "x"`, `unless path`
    //   <% each path as name %> … <% end %>        loops over an array; `name` and `$index` inside
    //   <%# a comment %>

    const ESCAPES = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;'};

    function escapeHtml(value) {
        if (value === null || value === undefined) {
            return '';
        }
        return String(value).replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]);
    }

    function lookup(scopes, path) {
        const parts = path.trim().split('.');
        for (let i = scopes.length - 1; i >= 0; i -= 1) {
            const scope = scopes[i];
            if (scope !== null && typeof scope === 'object' && parts[0] in scope) {
                return parts.slice(1).reduce((value, key) => (value == null ? undefined : value[key]), scope[parts[0]]);
            }
        }
        return undefined;
    }

    function truthy(value) {
        return Array.isArray(value) ? value.length > 0 : Boolean(value);
    }

    function evaluateCondition(scopes, expression) {
        const match = /^(\S+)\s*(==|!=)\s*"([^"]*)"$/.exec(expression.trim());
        if (!match) {
            return truthy(lookup(scopes, expression));
        }
        const value = lookup(scopes, match[1]);
        const same = String(value === undefined || value === null ? '' : value) === match[3];
        return match[2] === '==' ? same : !same;
    }

    function parseTemplate(source) {
        const rootNode = {children: []};
        const stack = [rootNode];
        const tag = /<%([=t#]?)([\s\S]*?)%>/g;
        let last = 0;
        let match;
        const top = () => stack[stack.length - 1];
        const add = (node) => (top().inElse ? top().otherwise : top().children).push(node);
        while ((match = tag.exec(source)) !== null) {
            if (match.index > last) {
                add({type: 'text', text: source.slice(last, match.index)});
            }
            last = tag.lastIndex;
            const kind = match[1];
            const body = match[2].trim();
            if (kind === '=') {
                add({type: 'value', path: body});
            } else if (kind === 't') {
                add({type: 'trans', text: body.replace(/\s+/g, ' ')});
            } else if (kind === '#') {
                continue;
            } else {
                const words = /^(if|unless|each|else|end)\b\s*([\s\S]*)$/.exec(body);
                if (!words) {
                    throw new Error(`Unknown template tag: <% ${body} %>`);
                }
                if (words[1] === 'end' || words[1] === 'else') {
                    if (stack.length === 1) {
                        throw new Error(`Unbalanced <% ${words[1]} %> in template`);
                    }
                    if (words[1] === 'end') {
                        stack.pop();
                    } else {
                        top().inElse = true;
                    }
                } else {
                    const node = {type: words[1], expression: words[2], children: [], otherwise: []};
                    if (words[1] === 'each') {
                        const each = /^(\S+)\s+as\s+(\w+)$/.exec(words[2].trim());
                        if (!each) {
                            throw new Error(`Expected <% each path as name %>, got <% ${body} %>`);
                        }
                        node.path = each[1];
                        node.name = each[2];
                    }
                    add(node);
                    stack.push(node);
                }
            }
        }
        if (stack.length !== 1) {
            throw new Error('Unclosed block in template');
        }
        if (last < source.length) {
            rootNode.children.push({type: 'text', text: source.slice(last)});
        }
        return rootNode.children;
    }

    function renderNodes(nodes, scopes) {
        let out = '';
        nodes.forEach((node) => {
            if (node.type === 'text') {
                out += node.text;
            } else if (node.type === 'value') {
                out += escapeHtml(lookup(scopes, node.path));
            } else if (node.type === 'trans') {
                out += escapeHtml(gettext(node.text)).replace(/\{([\w.$]+)\}/g, (m, path) => escapeHtml(lookup(scopes, path)));
            } else if (node.type === 'if' || node.type === 'unless') {
                const yes = evaluateCondition(scopes, node.expression) === (node.type === 'if');
                out += renderNodes(yes ? node.children : node.otherwise, scopes);
            } else if (node.type === 'each') {
                const items = lookup(scopes, node.path);
                if (truthy(items)) {
                    Array.from(items).forEach((item, index) => {
                        out += renderNodes(node.children, scopes.concat([{[node.name]: item, $index: index}]));
                    });
                } else {
                    out += renderNodes(node.otherwise, scopes);
                }
            }
        });
        return out;
    }

    /** Compile a template once; the returned function renders it with a data object (helpers: `gettext`). */
    function template(source) {
        const nodes = parseTemplate(String(source));
        return (data) => renderNodes(nodes, [data || {}]);
    }

    // -- what the page serves: the API's base path and the status groups --------------------------------
    //
    // The `proctoring_js_config` template tag emits them as JSON in `#edx-proctoring-config`; a host may
    // also set the base path alone (`PROCTORING_API_BASE`, or `data-proctoring-api-base` on <html>), as it
    // sets the static URL. Read at each use, so a page that adds them after these scripts still counts.

    const CONFIG_ELEMENT_ID = 'edx-proctoring-config';
    const DEFAULT_API_BASE = '/api/edx_proctoring/v1';
    // Only for pages without the served configuration; a Python test keeps it equal to statuses.py.
    const DEFAULT_STATUS_GROUPS = {running: ['started', 'ready_to_submit']};

    function servedConfig() {
        const doc = root.document;
        const el = doc && typeof doc.getElementById === 'function' ? doc.getElementById(CONFIG_ELEMENT_ID) : null;
        if (!el || !el.textContent) {
            return {};
        }
        try {
            return JSON.parse(el.textContent) || {};
        } catch (error) {
            return {};
        }
    }

    /** The API root, without a trailing slash: `/api/edx_proctoring/v1` unless the page says otherwise. */
    function apiBase() {
        const html = root.document && root.document.documentElement;
        const base = root.PROCTORING_API_BASE
            || (html && typeof html.getAttribute === 'function' && html.getAttribute('data-proctoring-api-base'))
            || servedConfig().apiBase
            || DEFAULT_API_BASE;
        return String(base).replace(/\/+$/, '');
    }

    /** `path` (starting with '/') under the API root. */
    function apiUrl(path) {
        return `${apiBase()}${path}`;
    }

    /** The statuses of a named group of `statuses.py` (`running`, `pre_start`, ...). */
    function statusGroup(name) {
        const served = servedConfig().statusGroups || {};
        return served[name] || DEFAULT_STATUS_GROUPS[name] || [];
    }

    // -- templates by URL ------------------------------------------------------------------------------

    const templateCache = new Map();

    function staticUrl() {
        const configured = root.PROCTORING_STATIC_URL
            || (root.document && root.document.documentElement
                && root.document.documentElement.getAttribute('data-proctoring-static-url'));
        const base = configured || '/static/';
        return base.endsWith('/') ? base : `${base}/`;
    }

    /** The compiled template `/static/proctoring/templates/<name>.underscore` (fetched once per page). */
    function loadTemplate(name) {
        if (!templateCache.has(name)) {
            const url = `${staticUrl()}proctoring/templates/${name}.underscore`;
            const promise = root.fetch(url, {credentials: 'same-origin'}).then((response) => {
                if (!response.ok) {
                    throw new Error(`Template ${name} could not be loaded (${response.status})`);
                }
                return response.text();
            }).then(template);
            promise.catch(() => templateCache.delete(name));
            templateCache.set(name, promise);
        }
        return templateCache.get(name);
    }

    // -- requests --------------------------------------------------------------------------------------

    function getCookie(name, cookieString) {
        const cookies = cookieString !== undefined ? cookieString : (root.document ? root.document.cookie : '');
        const found = String(cookies || '').split(';').map((part) => part.trim())
            .find((part) => part.startsWith(`${name}=`));
        return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
    }

    class RequestError extends Error {
        constructor(status, data) {
            super((data && (data.detail || data.message)) || `Request failed with status ${status}`);
            this.status = status;
            this.data = data;
        }
    }

    /** A JSON request; resolves `{status, data}` for 2xx, rejects with a RequestError otherwise. */
    function request(method, url, data) {
        const upper = method.toUpperCase();
        const headers = {'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest'};
        const options = {method: upper, headers, credentials: 'same-origin'};
        if (!['GET', 'HEAD', 'OPTIONS'].includes(upper)) {
            const token = getCookie('csrftoken');
            if (token) {
                headers['X-CSRFToken'] = token;
            }
        }
        if (data !== undefined) {
            headers['Content-Type'] = 'application/json';
            options.body = JSON.stringify(data);
        }
        return root.fetch(url, options).then((response) => response.text().then((text) => {
            let body = null;
            if (text) {
                try {
                    body = JSON.parse(text);
                } catch (error) {
                    body = text;
                }
            }
            if (!response.ok) {
                throw new RequestError(response.status, body);
            }
            return {status: response.status, data: body};
        }));
    }

    function getJSON(url) {
        return request('GET', url).then((result) => result.data);
    }

    // -- events, models, collections -------------------------------------------------------------------

    class Emitter {
        on(event, callback) {
            this._listeners = this._listeners || {};
            (this._listeners[event] = this._listeners[event] || []).push(callback);
            return this;
        }

        off(event, callback) {
            if (this._listeners && this._listeners[event]) {
                this._listeners[event] = callback ? this._listeners[event].filter((cb) => cb !== callback) : [];
            }
            return this;
        }

        trigger(event, ...args) {
            ((this._listeners && this._listeners[event]) || []).slice().forEach((cb) => cb.apply(this, args));
            return this;
        }
    }

    class Model extends Emitter {
        constructor(attributes, options) {
            super();
            this.attributes = Object.assign({}, this.defaults || {}, attributes || {});
            if (options && options.url) {
                this.url = options.url;
            }
        }

        get(key) {
            return this.attributes[key];
        }

        set(attributes) {
            Object.assign(this.attributes, attributes || {});
            this.trigger('change', this);
            return this;
        }

        toJSON() {
            return Object.assign({}, this.attributes);
        }

        resolveUrl() {
            return typeof this.url === 'function' ? this.url() : this.url;
        }

        fetch() {
            return getJSON(this.resolveUrl()).then((data) => {
                this.set(this.parse ? this.parse(data) : data);
                return data;
            });
        }

        save(method) {
            return request(method || 'PUT', this.resolveUrl(), this.toJSON());
        }
    }

    class Collection extends Emitter {
        constructor(models, options) {
            super();
            this.models = Array.isArray(models) ? models.slice() : [];
            if (options && options.url) {
                this.url = options.url;
            }
        }

        resolveUrl() {
            return typeof this.url === 'function' ? this.url() : this.url;
        }

        reset(models) {
            this.models = Array.isArray(models) ? models.slice() : [];
            this.trigger('reset', this);
            return this;
        }

        toJSON() {
            return this.models.slice();
        }

        fetch() {
            return getJSON(this.resolveUrl()).then((data) => {
                const parsed = this.parse ? this.parse(data) : data;
                this.reset(Array.isArray(parsed) ? parsed : []);
                return data;
            });
        }
    }

    // -- DOM helpers -----------------------------------------------------------------------------------

    /** A DOM element from a DOM element, a jQuery-like object or a selector (null when nothing matches). */
    function unwrapElement(el) {
        if (!el) {
            return null;
        }
        if (typeof el === 'string') {
            return root.document ? root.document.querySelector(el) : null;
        }
        if (el.nodeType === 1 || el.nodeType === 9) {
            return el;
        }
        if (typeof el.get === 'function' && el.jquery) {
            return el.get(0) || null;
        }
        if (typeof el.length === 'number') {
            return el.length > 0 ? el[0] : null;
        }
        return el;
    }

    /** Put `text` into an aria-live region so screen readers read it (re-announces identical text too). */
    function announce(region, text) {
        if (!region) {
            return;
        }
        region.textContent = '';
        const write = () => { region.textContent = text; };
        if (typeof root.setTimeout === 'function') {
            root.setTimeout(write, 50);
        } else {
            write();
        }
    }

    /**
     * One action at a time: `run(fn, button)` does nothing while an earlier run is in flight; the button
     * is disabled and marked busy meanwhile. A failed action frees the guard; a successful one keeps it
     * (the page is about to reload) unless `release` is called.
     */
    class SubmitGuard {
        constructor() {
            this.inFlight = false;
        }

        run(fn, button, options) {
            if (this.inFlight || (button && button.disabled)) {
                return null;
            }
            const keepLocked = !(options && options.releaseOnSuccess);
            this.inFlight = true;
            this._lock(button, true);
            let result;
            try {
                result = Promise.resolve(fn());
            } catch (error) {
                result = Promise.reject(error);
            }
            return result.then((value) => {
                if (!keepLocked) {
                    this.release(button);
                }
                return value;
            }, (error) => {
                this.release(button);
                throw error;
            });
        }

        release(button) {
            this.inFlight = false;
            this._lock(button, false);
        }

        _lock(button, locked) {
            if (!button) {
                return;
            }
            button.disabled = locked;
            if (locked) {
                button.setAttribute('aria-busy', 'true');
            } else {
                button.removeAttribute('aria-busy');
            }
        }
    }

    function reloadPage() {
        if (root.location && typeof root.location.reload === 'function') {
            root.location.reload();
        }
    }

    /**
     * Mount a Special Exams panel: once `loading` yields its render function, keep it on the view and
     * refresh; if the markup cannot be loaded, say so in the panel instead of leaving it empty.
     */
    function mountPanel(view, loading) {
        return loading.then((render) => {
            view.renderTemplate = render;
            return view.refresh();
        }).catch(() => {
            view.el.textContent = gettext('This panel could not be loaded. Reload the page to try again.');
            return view;
        });
    }

    function onReady(callback) {
        if (!root.document) {
            return;
        }
        if (root.document.readyState === 'loading') {
            root.document.addEventListener('DOMContentLoaded', callback);
        } else {
            callback();
        }
    }

    const utils = {
        gettext,
        ngettext,
        interpolate,
        escapeHtml,
        template,
        loadTemplate,
        templateCache,
        getCookie,
        request,
        getJSON,
        RequestError,
        Emitter,
        Model,
        Collection,
        unwrapElement,
        announce,
        SubmitGuard,
        reloadPage,
        mountPanel,
        onReady,
        apiBase,
        apiUrl,
        statusGroup,
    };
    ns.utils = utils;
    ns.Model = Model;
    ns.Collection = Collection;
    return utils;
}));
