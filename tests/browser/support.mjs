// What the browser tests stand on: a scratch database on the test PostgreSQL, the real
// salon-phone binary (serve, and call as the simulated Twilio), a TCP proxy that can drop every
// connection at once, and headless Chromium from Debian's chromium package.

import {spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {chromium} from 'playwright-core';

export const salonNumber = '+18084826296';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with scripts/test (it starts ` +
                    'PostgreSQL and sets SALON_TEST_DATABASE_URL and SALON_BINARY)');
  }
  return value;
}

// SALON_BINARY as scripts/test sets it, else the build's own binary (set by CMake).
export function binaryPath() {
  return process.env.SALON_BINARY || required('SALON_BINARY_DEFAULT');
}

export function scratchFolder(name) {
  const base = process.env.SALON_TEST_SCRATCH || os.tmpdir();
  return mkdtempSync(path.join(base, `${name}.`));
}

// The database name of a postgresql:// URL replaced (its last path segment).
function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = '/' + name;
  return parsed.toString();
}

function psql(url, sql) {
  const run = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], {encoding: 'utf8'});
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`psql failed (${run.status}): ${run.stderr}`);
  return run.stdout.trim();
}

// A fresh database on the test PostgreSQL, migrated and seeded with the demo salon.
export class ScratchDatabase {
  constructor() {
    this.adminUrl = required('SALON_TEST_DATABASE_URL');
    this.name = `browser_${process.pid}_${randomBytes(4).toString('hex')}`;
    psql(this.adminUrl, `create database ${this.name}`);
    this.url = withDatabase(this.adminUrl, this.name);
    for (const command of ['migrate', 'seed-demo']) {
      const run = spawnSync(binaryPath(), [command], {
        env: {...process.env, DATABASE_URL: this.url}, encoding: 'utf8', timeout: 120000});
      if (run.status !== 0) {
        throw new Error(`salon-phone ${command} failed (${run.status}):\n${run.stdout}${run.stderr}`);
      }
    }
  }

  query(sql) {
    return psql(this.url, sql);
  }

  drop() {
    try {
      psql(this.adminUrl, `drop database if exists ${this.name} with (force)`);
    } catch {
      // A leftover database in a throwaway server is harmless.
    }
  }
}

// `salon-phone serve` on a free loopback port.
export class ServerProcess {
  static async start(env) {
    const server = new ServerProcess();
    server.output = '';
    server.child = spawn(binaryPath(), ['serve'], {
      env: {...process.env, PORT: '0', BIND_ADDRESS: '127.0.0.1', LOG_LEVEL: 'debug', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.exited = new Promise((resolve) => server.child.on('exit', (code, signal) =>
      resolve(code ?? 128 + os.constants.signals[signal])));
    const collect = (chunk) => { server.output += chunk; };
    server.child.stdout.setEncoding('utf8').on('data', collect);
    server.child.stderr.setEncoding('utf8').on('data', collect);
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(server.output);
      if (match) {
        server.port = Number(match[1]);
        server.url = `http://127.0.0.1:${server.port}`;
        return server;
      }
      if (server.child.exitCode !== null) break;
      await sleep(50);
    }
    server.child.kill('SIGKILL');
    throw new Error(`salon-phone serve did not start listening:\n${server.output}`);
  }

  running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  // SIGTERM, then the exit code (SIGKILL and null after `limitMs`).
  async stop(limitMs = 20000) {
    if (!this.running()) return this.exited;
    this.child.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(limitMs).then(() => null)]);
    if (code === null) this.child.kill('SIGKILL');
    return code;
  }
}

// One simulated call through the real binary: `salon-phone call`. Resolves when it is over.
export function placeCall(server, {from, say = [], thinkMs = 0, twilioToken}) {
  const args = ['call', '--url', server.url, '--to', salonNumber, '--think-ms', String(thinkMs)];
  if (from) args.push('--from', from);
  if (twilioToken) args.push('--twilio-auth-token', twilioToken);
  for (const words of say) args.push('--say', words);
  return new Promise((resolve, reject) => {
    // stdin closed: with no --say the caller says nothing and hangs up (a missed call).
    const child = spawn(binaryPath(), args, {stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({code, output}));
  });
}

// Forwards loopback connections to `target`; drop() cuts all of them at once, as a flaky
// network would, while new connections still go through.
export class DroppingProxy {
  static async start(targetPort) {
    const proxy = new DroppingProxy();
    proxy.sockets = new Set();
    proxy.accepted = 0;
    proxy.server = net.createServer((client) => {
      proxy.accepted += 1;
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const [from, to] of [[client, upstream], [upstream, client]]) {
        proxy.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          proxy.sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = proxy.server.address().port;
    proxy.url = `http://127.0.0.1:${proxy.port}`;
    return proxy;
  }

  drop() {
    for (const socket of this.sockets) socket.destroy();
  }

  async close() {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// Headless Chromium as Debian ships it. As root it needs --no-sandbox; the rest keeps it from
// reaching out to the network on its own.
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.SALON_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--disable-quic'],
  });
}

export function screenshotFolder() {
  const folder = process.env.SALON_SCREENSHOT_DIR || path.resolve('screenshots');
  mkdirSync(folder, {recursive: true});
  return folder;
}

export function removeFolder(folder) {
  rmSync(folder, {recursive: true, force: true});
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Reads with `read` until `accept` takes the value, which it returns; fails naming `what` and
// the last value seen.
export async function eventually(what, read, accept, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}
