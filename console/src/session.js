// The signed-in key: held in this tab's session storage only (gone when the tab closes or on sign-out),
// and used only to sign requests in the browser. The secret is never sent anywhere.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

const KEY = 'partner-registry-console.credentials';

export function signIn(accessKeyId, secretAccessKey) {
  sessionStorage.setItem(KEY, JSON.stringify({ accessKeyId, secretAccessKey }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

export function credentials() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY));
    return stored && stored.accessKeyId && stored.secretAccessKey ? stored : null;
  } catch {
    return null;
  }
}

/** The real AWS SDK's EventBridge client, pointed at the registry and signing with the session's key. */
export function client(config, { accessKeyId, secretAccessKey }) {
  return new EventBridgeClient({
    region: config.region,
    endpoint: config.endpoint,
    credentials: { accessKeyId, secretAccessKey },
  });
}
