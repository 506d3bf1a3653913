// What the browser tests run against: `make run` on a free port (the registry, its moto_server engine,
// the console at /console/), and the customer's own AWS on that engine, reached with the AWS CLI.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const run = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STARTUP_MS = 120_000;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `make run` and waits for its banner; resolves to { endpoint, engine, port, stop() }.
 * The process group is stopped as Ctrl-C would: the registry's shutdown stops its moto_server.
 */
export async function startRegistry(env = {}) {
  const port = await freePort();
  const child = spawn('make', ['-s', 'run'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ...(typeof env === 'function' ? env(port) : env) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let log = '';
  child.stderr.on('data', (chunk) => { log = (log + chunk).slice(-20_000); });
  const banner = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`make run printed no banner in ${STARTUP_MS} ms:\n${out}\n${log}`)), STARTUP_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ctrl-C stops it.')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`make run exited with ${code}:\n${out}\n${log}`));
    });
  });
  const text = await banner;
  const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)[1];
  const engine = /engine: .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)[1];
  const console = /console: +(http:\/\/\S+)/.exec(text)[1];
  return {
    port, endpoint, engine, console, banner: text,
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-child.pid, 'SIGTERM');
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 15_000).unref();
    }),
  };
}

/** The customer's own AWS (moto, any credentials): the AWS CLI with --endpoint-url, JSON out. */
export function customerAws(engine) {
  return async (...args) => {
    const { stdout } = await run('aws', [...args, '--endpoint-url', engine, '--region', 'us-east-1', '--output', 'json'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PAGER: '' },
    });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
}
