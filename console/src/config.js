// config.json beside the page: {"region": ..., "endpoint": ...}. Without an endpoint the registry is the
// page's own origin (make run serves both); deployed, the stack writes the API's URL there.
export async function loadConfig() {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();
  if (!config.region) throw new Error('config.json names no region');
  return { region: config.region, endpoint: config.endpoint || window.location.origin };
}
