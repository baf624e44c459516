// The container stage's image assertions (infra/docker/containers.sh): inspects each built image
// with the Docker engine and fails when one breaks the rules of image-policy.ts.
//
//   node src/image-check.ts [--max-mb 200] [--no-healthcheck] image... [-- next group of options]
//
// Each group of images shares its options: `--no-healthcheck` is for one-shot jobs (migrate).
import { execFileSync } from 'node:child_process';
import { checkImage, type ImageInspect } from './image-policy.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);

let failed = 0;
for (const group of process.argv.slice(2).join(' ').split(' -- ')) {
  const args = group.split(' ').filter(Boolean);
  let maxMb = 200;
  let healthcheck = true;
  const images: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--max-mb') maxMb = Number(args[++i]);
    else if (args[i] === '--no-healthcheck') healthcheck = false;
    else images.push(args[i] as string);
  }
  for (const image of images) {
    const [inspect] = JSON.parse(
      execFileSync('docker', ['image', 'inspect', image], { encoding: 'utf8' }),
    ) as ImageInspect[];
    const findings = checkImage(image, inspect ?? {}, { maxBytes: maxMb * 1_000_000, healthcheck });
    const size = Math.round((inspect?.Size ?? 0) / 1_000_000);
    if (findings.length === 0) print(`ok   ${image} ${size} MB, user ${inspect?.Config?.User}`);
    for (const finding of findings) print(`FAIL ${finding.where} ${finding.message}`);
    failed += findings.length;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
