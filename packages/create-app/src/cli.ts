#!/usr/bin/env node
// Entry point of the `create-groundwork` bin: all logic lives in run-create.ts so tests call it
// in process. The packed template sits beside dist/ (and beside src/ in this repository).
import { fileURLToPath } from 'node:url';
import { promptForMissing } from './prompt-options.ts';
import { runCreate } from './run-create.ts';

process.exitCode = await runCreate(process.argv.slice(2), {
  cwd: process.cwd(),
  templateDir: fileURLToPath(new URL('../template/', import.meta.url)),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  prompt: process.stdin.isTTY && process.stdout.isTTY ? promptForMissing : undefined,
});
