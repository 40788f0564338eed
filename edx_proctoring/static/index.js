/*
 * npm entry point of @edx/edx-proctoring: `handlerWrapper(HandlerClass)` turns a vendor's handler class
 * into the message protocol the LMS speaks with its proctoring Web Worker.
 *
 * The page posts {type, ...} messages; the wrapper calls the handler (methods return Promises) and
 * answers with one message per request:
 *   config         {options}                      -> the handler is re-created with the options
 *   startExamAttempt {timeout, attemptExternalId} -> examAttemptStarted | examAttemptStartFailed
 *   endExamAttempt {timeout, attemptExternalId}   -> examAttemptEnded   | examAttemptEndFailed
 *   ping           {timeout}                      -> echo               | pingFailed
 * A handler without the method answers with the failure message.
 */
'use strict';

const PROTOCOL = {
    startExamAttempt: {method: 'onStartExamAttempt', success: 'examAttemptStarted', failure: 'examAttemptStartFailed'},
    endExamAttempt: {method: 'onEndExamAttempt', success: 'examAttemptEnded', failure: 'examAttemptEndFailed'},
    ping: {method: 'onPing', success: 'echo', failure: 'pingFailed'},
};

function describeError(error) {
    if (error === undefined || error === null) {
        return null;
    }
    return error instanceof Error ? error.message : error;
}

/**
 * Listen on `scope` (the worker's global scope by default) and dispatch to an instance of HandlerClass.
 * Returns a function that stops listening (useful in tests).
 */
function handlerWrapper(HandlerClass, scope) {
    const target = scope || (typeof self !== 'undefined' ? self : globalThis); // eslint-disable-line no-restricted-globals
    let handler = new HandlerClass({});

    function onMessage(message) {
        const data = (message && message.data) || {};
        if (data.type === 'config') {
            handler = new HandlerClass(data.options || {});
            return undefined;
        }
        const entry = PROTOCOL[data.type];
        if (!entry) {
            return undefined;
        }
        let outcome;
        try {
            if (typeof handler[entry.method] !== 'function') {
                throw new Error(`The proctoring handler has no ${entry.method}`);
            }
            outcome = data.type === 'ping'
                ? handler[entry.method](data.timeout)
                : handler[entry.method](data.timeout, data.attemptExternalId);
        } catch (error) {
            outcome = Promise.reject(error);
        }
        return Promise.resolve(outcome).then(
            (result) => target.postMessage({type: entry.success, result}),
            (error) => target.postMessage({type: entry.failure, error: describeError(error)}),
        );
    }

    target.addEventListener('message', onMessage);
    return () => target.removeEventListener('message', onMessage);
}

if (typeof module === 'object' && module.exports) {
    module.exports = {handlerWrapper, PROTOCOL};
} else if (typeof self !== 'undefined') {
    self.handlerWrapper = handlerWrapper; // eslint-disable-line no-restricted-globals
}
