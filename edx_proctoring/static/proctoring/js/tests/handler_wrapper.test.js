'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const {handlerWrapper} = require(path.resolve(__dirname, '..', '..', '..', 'index.js'));
const packageJson = require(path.resolve(__dirname, '..', '..', '..', '..', '..', 'package.json'));

function fakeScope() {
    const listeners = [];
    return {
        posted: [],
        addEventListener(type, fn) { listeners.push(fn); },
        removeEventListener(type, fn) { listeners.splice(listeners.indexOf(fn), 1); },
        postMessage(message) { this.posted.push(message); },
        send(data) { return Promise.all(listeners.map((fn) => fn({data}))); },
        get listenerCount() { return listeners.length; },
    };
}

class Handler {
    constructor(options) {
        this.options = options;
        Handler.instances.push(this);
    }

    onStartExamAttempt(timeout, externalId) {
        return this.options.failStart ? Promise.reject(new Error('no app')) : Promise.resolve({timeout, externalId});
    }

    onEndExamAttempt() {
        return Promise.resolve();
    }

    onPing(timeout) {
        return this.options.failPing ? Promise.reject(new Error('gone')) : Promise.resolve(timeout);
    }
}
Handler.instances = [];

test('package.json main is the module exporting handlerWrapper', () => {
    assert.equal(packageJson.main, 'edx_proctoring/static/index.js');
    assert.equal(typeof handlerWrapper, 'function');
});

test('start, end and ping are answered with their success messages', async () => {
    const scope = fakeScope();
    handlerWrapper(Handler, scope);
    await scope.send({type: 'startExamAttempt', timeout: 30000, attemptExternalId: 'ext-1'});
    await scope.send({type: 'endExamAttempt', attemptExternalId: 'ext-1'});
    await scope.send({type: 'ping', timeout: 5000});
    assert.deepEqual(scope.posted, [
        {type: 'examAttemptStarted', result: {timeout: 30000, externalId: 'ext-1'}},
        {type: 'examAttemptEnded', result: undefined},
        {type: 'echo', result: 5000},
    ]);
});

test('config re-creates the handler with its options; failures are answered with failure messages', async () => {
    const scope = fakeScope();
    Handler.instances = [];
    handlerWrapper(Handler, scope);
    await scope.send({type: 'config', options: {failStart: true, failPing: true}});
    assert.equal(Handler.instances.length, 2);
    assert.deepEqual(Handler.instances[1].options, {failStart: true, failPing: true});
    await scope.send({type: 'startExamAttempt', timeout: 1, attemptExternalId: 'x'});
    await scope.send({type: 'ping', timeout: 1});
    assert.deepEqual(scope.posted, [
        {type: 'examAttemptStartFailed', error: 'no app'},
        {type: 'pingFailed', error: 'gone'},
    ]);
});

test('a handler without a method, or throwing, answers with the failure message; unknown types are ignored', async () => {
    class Partial {
        onPing() { throw new Error('boom'); }
    }
    const scope = fakeScope();
    const stop = handlerWrapper(Partial, scope);
    await scope.send({type: 'endExamAttempt'});
    await scope.send({type: 'ping'});
    await scope.send({type: 'somethingElse'});
    assert.deepEqual(scope.posted.map((m) => m.type), ['examAttemptEndFailed', 'pingFailed']);
    assert.match(scope.posted[0].error, /onEndExamAttempt/);
    stop();
    assert.equal(scope.listenerCount, 0);
});
