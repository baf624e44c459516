#!/usr/bin/env node
// Entry point of `npm run todo:check`: all logic lives in run.ts so tests call it in-process.
import { runTodoCheck } from './run.ts';

process.exitCode = runTodoCheck(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
