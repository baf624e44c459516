import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = path.resolve(import.meta.dirname, '../../..');
type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Record<string, unknown>>;
};
const workflow = (name: string) =>
  parse(readFileSync(path.join(repo, '.github/workflows', name), 'utf8')) as Workflow;
const reusable = './.github/workflows/deploy-environment.yml';
/** A GitHub expression as the workflow spells it. */
const expression = (body: string) => `\${{ ${body} }}`;

describe('deploy workflow', () => {
  it('when prod or canary is released, then staging deploys the same version first and production needs it', () => {
    const { jobs, permissions } = workflow('deploy.yml');
    expect(permissions).toEqual({ contents: 'read' });
    expect(jobs.staging).toMatchObject({
      uses: reusable,
      with: { overlay: 'staging', version: expression('inputs.version') },
    });
    expect(jobs.production).toMatchObject({
      uses: reusable,
      needs: 'staging',
      with: { overlay: expression('inputs.overlay'), version: expression('inputs.version') },
    });
    // No status function in the condition: GitHub adds success(), so a failed staging stops it.
    expect(jobs.production?.if).toBe("inputs.overlay == 'prod' || inputs.overlay == 'canary'");
    expect(jobs.staging?.if).toBe("inputs.overlay != 'dev'");
    expect(jobs.dev).toMatchObject({ uses: reusable, with: { overlay: 'dev' } });
  });

  it('when an environment is deployed, then it migrates and waits for every rollout, in its GitHub environment, and cannot be started directly', () => {
    const { on, permissions, jobs } = workflow('deploy-environment.yml');
    expect(Object.keys(on)).toEqual(['workflow_call']);
    expect(permissions).toEqual({ contents: 'read' });
    const job = jobs.deploy as { environment: string; steps: Array<Record<string, string>> };
    expect(job.environment).toBe(
      expression(
        "inputs.overlay == 'dev' && 'development' || inputs.overlay == 'staging' && 'staging' || 'production'",
      ),
    );
    const step = (name: string) => job.steps.find((s) => s.name === name)?.run ?? '';
    expect(step('Migrate before the rollout')).toContain(
      'wait --for=condition=complete job/migrate',
    );
    expect(step('Roll out')).toContain('rollout status');
  });

  it('when a workflow uses an action, then it is pinned to a full commit SHA', () => {
    for (const name of ['ci.yml', 'deploy.yml', 'deploy-environment.yml', 'docker.yml']) {
      const text = readFileSync(path.join(repo, '.github/workflows', name), 'utf8');
      for (const [, action] of text.matchAll(/uses:\s*([^\s#]+)/g)) {
        if (action?.startsWith('./')) continue;
        expect(action, `${name}: ${action}`).toMatch(/@[0-9a-f]{40}$/);
      }
    }
  });
});
