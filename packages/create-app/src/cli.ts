#!/usr/bin/env node
// Entry point of the `create-groundwork` bin: all logic lives in run-create.ts and run-upgrade.ts
// so tests call it in process. The packed template sits beside dist/ (and beside src/ in this
// repository). `create-groundwork upgrade` upgrades a project; anything else creates one.
import { fileURLToPath } from 'node:url';
import { registryNameLookup } from './npm-name-lookup.ts';
import { promptForMissing } from './prompt-options.ts';
import { runCreate } from './run-create.ts';
import { runUpgrade } from './run-upgrade.ts';

const argv = process.argv.slice(2);
const io = {
  cwd: process.cwd(),
  templateDir: fileURLToPath(new URL('../template/', import.meta.url)),
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
};

process.exitCode =
  argv[0] === 'upgrade'
    ? await runUpgrade(argv.slice(1), io)
    : await runCreate(argv, {
        ...io,
        prompt: process.stdin.isTTY && process.stdout.isTTY ? promptForMissing : undefined,
        lookupName: registryNameLookup(),
      });
