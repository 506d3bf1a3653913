// The registry's own checks, made before a request so that the error shows at once beside the field.
// The registry checks again, and what it answers is shown as it says it.

export const DELIVER_TO_TAG = 'partner-registry:deliver-to';

// Constraints.BUS_NAME_OR_ARN_PATTERN with a name part, as CreateEventBus checks the tag's value
// (Constraints.isOwnEventBusArn): an event bus ARN, a custom bus (no '/', not aws.), at most 1600 characters.
const EVENT_BUS_ARN = /^arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus\/([.\-_A-Za-z0-9]+)$/;
const MAX_LENGTH = 1600;

/** Why the value cannot be the deliver-to bus, in the registry's words, or null if it can. */
export function deliverToProblem(value) {
  const match = value.length <= MAX_LENGTH ? EVENT_BUS_ARN.exec(value) : null;
  if (!match || match[1].startsWith('aws.')) {
    return `The tag ${DELIVER_TO_TAG} must name an event bus of your account other than a partner event bus: `
      + 'arn:aws:events:<region>:<account>:event-bus/<name>.';
  }
  return null;
}
