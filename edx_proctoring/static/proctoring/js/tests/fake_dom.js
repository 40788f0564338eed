/*
 * A minimal DOM for the unit tests: enough HTML parsing (well-formed markup from our templates),
 * selectors (tag, #id, .class, [attr], [attr="v"], descendant combinator, comma lists), events with
 * bubbling, classList, attributes, `hidden`, `textContent` and `innerHTML`.
 */
'use strict';

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col', 'source']);

function decode(text) {
    return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&amp;/g, '&');
}

class FakeClassList {
    constructor(el) { this.el = el; }

    get names() { return (this.el.getAttribute('class') || '').split(/\s+/).filter(Boolean); }

    set names(list) { this.el.setAttribute('class', list.join(' ')); }

    add(...names) { this.names = Array.from(new Set(this.names.concat(names))); }

    remove(...names) { this.names = this.names.filter((n) => !names.includes(n)); }

    contains(name) { return this.names.includes(name); }

    toggle(name, force) {
        const on = force === undefined ? !this.contains(name) : force;
        if (on) { this.add(name); } else { this.remove(name); }
        return on;
    }
}

class FakeNode {
    constructor(doc) {
        this.ownerDocument = doc;
        this.parentNode = null;
        this.childNodes = [];
        this.listeners = {};
    }

    addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }

    removeEventListener(type, fn) {
        this.listeners[type] = (this.listeners[type] || []).filter((f) => f !== fn);
    }

    dispatchEvent(event) {
        let node = this;
        event.target = event.target || this;
        while (node && !event.stopped) {
            (node.listeners[event.type] || []).slice().forEach((fn) => fn.call(node, event));
            node = node.parentNode || (node === this.ownerDocument ? null : node.ownerDocument);
            if (node === this) { break; }
        }
        return !event.defaultPrevented;
    }
}

class FakeText extends FakeNode {
    constructor(doc, text) { super(doc); this.nodeType = 3; this.data = text; }

    get textContent() { return this.data; }
}

function parseSelector(selector) {
    return selector.split(',').map((group) => group.trim().split(/\s+/).map((part) => {
        const compound = {tag: null, id: null, classes: [], attrs: []};
        const re = /([a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:="([^"]*)")?\]/g;
        let m;
        while ((m = re.exec(part)) !== null) {
            if (m[1]) { compound.tag = m[1].toLowerCase(); }
            if (m[2]) { compound.id = m[2]; }
            if (m[3]) { compound.classes.push(m[3]); }
            if (m[4]) { compound.attrs.push([m[4], m[5]]); }
        }
        return compound;
    }));
}

function matchesCompound(el, c) {
    if (el.nodeType !== 1) { return false; }
    if (c.tag && el.tagName.toLowerCase() !== c.tag) { return false; }
    if (c.id && el.getAttribute('id') !== c.id) { return false; }
    if (c.classes.some((name) => !el.classList.contains(name))) { return false; }
    return c.attrs.every(([name, value]) => (
        value === undefined ? el.hasAttribute(name) : el.getAttribute(name) === value
    ));
}

function matchesChain(el, chain) {
    if (!matchesCompound(el, chain[chain.length - 1])) { return false; }
    let index = chain.length - 2;
    let node = el.parentNode;
    while (index >= 0 && node) {
        if (node.nodeType === 1 && matchesCompound(node, chain[index])) { index -= 1; }
        node = node.parentNode;
    }
    return index < 0;
}

class FakeElement extends FakeNode {
    constructor(doc, tag) {
        super(doc);
        this.nodeType = 1;
        this.tagName = tag.toUpperCase();
        this.attrs = new Map();
        this.classList = new FakeClassList(this);
        this.style = {};
        this.value = '';
        this.checked = false;
        this.disabled = false;
    }

    getAttribute(name) { return this.attrs.has(name) ? this.attrs.get(name) : null; }

    setAttribute(name, value) {
        this.attrs.set(name, String(value));
        if (name === 'value') { this.value = String(value); }
        if (name === 'checked') { this.checked = true; }
        if (name === 'disabled') { this.disabled = true; }
    }

    removeAttribute(name) { this.attrs.delete(name); }

    hasAttribute(name) { return this.attrs.has(name); }

    get id() { return this.getAttribute('id') || ''; }

    get className() { return this.getAttribute('class') || ''; }

    set className(value) { this.setAttribute('class', value); }

    get hidden() { return this.hasAttribute('hidden'); }

    set hidden(value) { if (value) { this.setAttribute('hidden', ''); } else { this.removeAttribute('hidden'); } }

    get children() { return this.childNodes.filter((n) => n.nodeType === 1); }

    get firstChild() { return this.childNodes[0] || null; }

    appendChild(node) {
        if (node.parentNode) { node.parentNode.removeChild(node); }
        node.parentNode = this;
        this.childNodes.push(node);
        return node;
    }

    insertBefore(node, before) {
        if (!before) { return this.appendChild(node); }
        node.parentNode = this;
        this.childNodes.splice(this.childNodes.indexOf(before), 0, node);
        return node;
    }

    removeChild(node) {
        this.childNodes = this.childNodes.filter((n) => n !== node);
        node.parentNode = null;
        return node;
    }

    remove() { if (this.parentNode) { this.parentNode.removeChild(this); } }

    get textContent() { return this.childNodes.map((n) => n.textContent).join(''); }

    set textContent(text) {
        this.childNodes = [];
        if (text !== '') { this.appendChild(new FakeText(this.ownerDocument, String(text))); }
    }

    get innerHTML() { return this._html || ''; }

    set innerHTML(html) {
        this._html = html;
        this.childNodes = [];
        if (this.tagName !== 'SCRIPT') {
            // Script content is text, as in a browser: template markup inside is not part of the page.
            parseInto(this, String(html));
        }
    }

    descendants() {
        const out = [];
        const walk = (node) => node.children.forEach((child) => { out.push(child); walk(child); });
        walk(this);
        return out;
    }

    matches(selector) { return parseSelector(selector).some((chain) => matchesChain(this, chain)); }

    querySelectorAll(selector) {
        const groups = parseSelector(selector);
        return this.descendants().filter((el) => groups.some((chain) => matchesChain(el, chain)));
    }

    querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }

    closest(selector) {
        let node = this;
        while (node && node.nodeType === 1) {
            if (node.matches(selector)) { return node; }
            node = node.parentNode;
        }
        return null;
    }

    contains(node) {
        let current = node;
        while (current) {
            if (current === this) { return true; }
            current = current.parentNode;
        }
        return false;
    }

    focus() { this.ownerDocument.activeElement = this; }

    click() {
        const event = new FakeEvent('click');
        this.dispatchEvent(event);
        return event;
    }
}

function parseInto(parent, html) {
    const doc = parent.ownerDocument;
    const tag = /<\/([\w-]+)\s*>|<([\w-]+)((?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>|<!--[\s\S]*?-->/g;
    const stack = [parent];
    let last = 0;
    let m;
    while ((m = tag.exec(html)) !== null) {
        if (m.index > last) { stack[stack.length - 1].appendChild(new FakeText(doc, decode(html.slice(last, m.index)))); }
        last = tag.lastIndex;
        if (m[1]) {
            const name = m[1].toUpperCase();
            while (stack.length > 1) {
                const top = stack.pop();
                if (top.tagName === name) { break; }
            }
        } else if (m[2]) {
            const el = new FakeElement(doc, m[2]);
            const attrRe = /([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
            let a;
            while ((a = attrRe.exec(m[3] || '')) !== null) {
                const value = a[2] !== undefined ? a[2] : (a[3] !== undefined ? a[3] : (a[4] || ''));
                el.setAttribute(a[1], decode(value));
            }
            if (el.tagName === 'OPTION' && el.hasAttribute('selected')) { el.selected = true; }
            stack[stack.length - 1].appendChild(el);
            if (!m[4] && !VOID.has(m[2].toLowerCase())) { stack.push(el); }
        }
    }
    if (last < html.length) { stack[stack.length - 1].appendChild(new FakeText(doc, decode(html.slice(last)))); }
}

class FakeEvent {
    constructor(type, init) {
        this.type = type;
        Object.assign(this, init || {});
        this.defaultPrevented = false;
    }

    preventDefault() { this.defaultPrevented = true; }

    stopPropagation() { this.stopped = true; }
}

class FakeDocument extends FakeNode {
    constructor() {
        super(null);
        this.ownerDocument = this;
        this.nodeType = 9;
        this.cookie = '';
        this.readyState = 'complete';
        this.documentElement = new FakeElement(this, 'html');
        this.body = new FakeElement(this, 'body');
        this.documentElement.appendChild(this.body);
        this.documentElement.parentNode = null;
        this.body.parentNode = this.documentElement;
        this.documentElement.parentNode = this;
        this.activeElement = this.body;
    }

    createElement(tag) { return new FakeElement(this, tag); }

    querySelector(selector) { return this.documentElement.querySelector(selector); }

    querySelectorAll(selector) { return this.documentElement.querySelectorAll(selector); }

    getElementById(id) { return this.documentElement.querySelector(`#${id}`); }
}

// FakeElement.closest stops at the document; parentNode of <html> is the document (a FakeNode).
FakeDocument.prototype.matches = () => false;

module.exports = {FakeDocument, FakeElement, FakeEvent};
