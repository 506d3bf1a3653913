// Builds the console into dist/: one minified script (the console and the AWS SDK's EventBridge
// client), one stylesheet and the page. Nothing is fetched from anywhere else at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { console: 'src/main.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari15.6'],
  legalComments: 'linked',
  outdir: out,
  logLevel: 'warning',
});
copyFileSync('src/index.html', `${out}/index.html`);
copyFileSync('src/console.css', `${out}/console.css`);
let total = 0;
let gzipped = 0;
for (const file of readdirSync(out)) {
  const bytes = statSync(`${out}/${file}`).size;
  const packed = gzipSync(readFileSync(`${out}/${file}`)).length;
  total += bytes;
  gzipped += packed;
  console.log(`${file.padEnd(24)} ${String(bytes).padStart(8)} bytes  ${String(packed).padStart(7)} gzipped`);
}
console.log(`${'total'.padEnd(24)} ${String(total).padStart(8)} bytes  ${String(gzipped).padStart(7)} gzipped`);
