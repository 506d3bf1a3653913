import { el, show } from './dom.js';

// What the console says when a call fails: the API's own code and message, and what to do about it.

const ADVICE = {
  InvalidSignatureException: 'Check the secret access key: sign out and sign in again with the secret issued with this key.',
  IncompleteSignatureException: 'The request was not signed as the registry expects: sign out and sign in again.',
  UnrecognizedClientException: 'The registry does not know this access key, or it was deactivated: check the access key ID, or ask the operator.',
  MissingAuthenticationTokenException: 'Sign out and sign in again with your registry key.',
  AccessDeniedException: 'This key may not do that: use the key of the partner or of the customer account concerned.',
  ResourceNotFoundException: 'It no longer exists (deleted, or expired): refresh the list.',
  ResourceAlreadyExistsException: 'It exists already: refresh the list.',
  InvalidStateException: 'Its state changed meanwhile: refresh the list and try again.',
  ConcurrentModificationException: 'Someone changed it at the same time: refresh the list and try again.',
  LimitExceededException: 'A limit is reached: delete sources you no longer need, or ask the operator to raise the limit.',
  OperationDisabledException: 'The operator has disabled this for your partner: contact the operator.',
  ValidationException: 'Correct the value and try again.',
  ThrottlingException: 'Too many requests: wait a moment and try again.',
  TooManyRequestsException: 'Too many requests: wait a moment and try again.',
};

/** { code, message, advice, requestId } for an error thrown by the SDK (or by fetch, when the registry cannot be reached). */
export function describe(error, endpoint) {
  const code = error?.name || 'Error';
  const requestId = error?.$metadata?.requestId;
  if (!error?.$metadata && (error instanceof TypeError || code === 'TypeError')) {
    return {
      code: 'NetworkError',
      message: `The registry at ${endpoint} could not be reached (${error.message}).`,
      advice: 'Check your connection and that the registry is running, then try again.',
    };
  }
  const advice = ADVICE[code]
    || (error?.$metadata?.httpStatusCode >= 500 ? 'The registry failed: try again in a moment; if it persists, give the operator the request id.'
      : 'Try again; if it persists, give the operator the request id.');
  return { code, message: error?.message || String(error), advice, requestId };
}

/** Shows the API's code and message, and what to do, in the given alert element. */
export function showError(node, error, endpoint) {
  const { code, message, advice, requestId } = describe(error, endpoint);
  node.replaceChildren(
    el('strong', { class: 'code' }, code), ' ', el('span', { class: 'message' }, message),
    el('span', { class: 'advice' }, ' ', advice),
    requestId ? el('span', { class: 'request-id' }, ` (request id ${requestId})`) : '');
  show(node, true);
}
