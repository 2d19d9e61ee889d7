#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci` and `npm start` run);
// `npm run dev` runs the TypeScript sources instead, restarting on change.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'jobstream: the server is not built (no packages/server/dist): run `npm run build` in the repository, or `npm run dev` to run the sources\n',
  );
  process.exit(1);
}
await import(cli.href);
