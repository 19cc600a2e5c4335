#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS shim */
// Runs the TypeScript CLI from any directory: sucrase's require hook strips the types on the fly.
require('sucrase/register/ts');
const { runM2m, exitWhenFlushed } = require('../operator/cli.ts');

void runM2m(process.argv).then(exitWhenFlushed);
