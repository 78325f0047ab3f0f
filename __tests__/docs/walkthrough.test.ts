// The pages the docs walkthrough runs (__tests__/e2e/docs-walkthrough.e2e.test.ts) follow its conventions
// (docs/e2e-tests.md, "Docs that are run"), and the commands the docs suggest are ones that work (issue 24).
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandKey, docSteps, DOC_PROJECT_DIR, mergeJson, unmatchedSampleLines } from '../support/doc-walk';
import { markdownFiles, PROJECT_ROOT } from '../support/docs';

/** The pages the walkthrough runs, in its order. */
const WALKED_PAGES = ['first-bootstrap.md', 'recover-lost-state.md', 'move-pipeline-state.md', 'destroy.md'];

const page = (name: string): string => readFileSync(path.join(PROJECT_ROOT, 'docs', name), 'utf8');

describe('the walked pages', () => {
  test.each(WALKED_PAGES)('every shell block of %s either runs or says why not, and it has commands that run', (name) => {
    const steps = docSteps(page(name), name);
    expect(steps.filter((step) => step.kind === 'run' || step.kind === 'transcript').length).toBeGreaterThan(0);
  });

  test('a "not run" marker without a reason is refused, naming the page and line', () => {
    expect(() => docSteps('text\n\n<!-- not run -->\n\n```sh\nnpm run deploy\n```\n', 'docs/x.md')).toThrow(
      'docs/x.md:5: "<!-- not run -->" needs a reason',
    );
  });

  test('a shell block runs line by line, comments and blank lines left out, continued lines joined', () => {
    expect(docSteps('```bash\n# setup\nnpm run synth\n\nnpm run deploy -- \\\n  state-dev   # one\n```\n', 'p')).toEqual([
      {
        kind: 'run',
        line: 1,
        commands: [
          { command: 'npm run synth', line: 3 },
          { command: 'npm run deploy -- state-dev   # one', line: 5 },
        ],
      },
    ]);
  });

  test('a text block of "$ command" lines is a transcript; a marked block is the sample output of a command', () => {
    const markdown = '```text\n$ npm run a\nline 1\n```\n\n<!-- output of: npm run b -->\n\n```\nline 2\n```\n';
    expect(docSteps(markdown, 'p')).toEqual([
      { kind: 'transcript', line: 1, runs: [{ command: 'npm run a', line: 2, sample: ['line 1'] }] },
      { kind: 'sample', line: 8, command: 'npm run b', sample: ['line 2'] },
    ]);
  });
});

describe('sample output', () => {
  test('each sample line matches a later line of the output; "..." matches any text; the docs’ project folder is the one the commands ran in', () => {
    const projectDir = path.join(os.tmpdir(), 'x', 'proj');
    const output = `npm banner\nstate-dev: recovered into ${projectDir}/terraform-state/state-dev.tfstate\nDestroy complete! Resources: 8 destroyed.`;
    expect(
      unmatchedSampleLines(
        [
          `state-dev: recovered into ${DOC_PROJECT_DIR}/terraform-state/state-dev.tfstate`,
          '  Destroy complete! Resources: ... destroyed.',
        ],
        output,
        projectDir,
      ),
    ).toEqual([]);
  });

  test('a fact that differs, or lines out of order, are reported from the first one not found', () => {
    expect(unmatchedSampleLines(['Resources: 8 destroyed.'], 'Resources: 9 destroyed.', '/p')).toEqual([
      'Resources: 8 destroyed.',
    ]);
    expect(unmatchedSampleLines(['b', 'a'], 'a\nb', '/p')).toEqual(['a']);
    expect(unmatchedSampleLines(['8 destroyed.'], 'Resources: 18 destroyed.', '/p')).toEqual(['8 destroyed.']);
    expect(unmatchedSampleLines(['Destroy complete!'], 'state-dev  Destroy complete!', '/p')).toEqual([]);
  });

  test('a sample names its command without the comment the run block gives it', () => {
    expect(commandKey('npm run recover-state                    # every stack')).toBe('npm run recover-state');
    expect(commandKey("npm run deploy -- 'state-*'   pipeline-prod")).toBe("npm run deploy -- 'state-*' pipeline-prod");
  });

  test('a JSON block merges into accounts.json key by key', () => {
    expect(mergeJson({ platform: 'acme', accounts: { dev: 'acme-dev' } }, { pipeline: { stateBackend: 's3' } })).toEqual({
      platform: 'acme',
      accounts: { dev: 'acme-dev' },
      pipeline: { stateBackend: 's3' },
    });
  });
});

describe('commands the docs suggest', () => {
  const mentions = (pattern: RegExp): string[] =>
    markdownFiles().flatMap((file) =>
      readFileSync(path.join(PROJECT_ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (pattern.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );

  test('no page suggests a diff of several stacks: cdktf 0.21 diff takes one stack', () => {
    expect(mentions(/\bdiff\s+['"]?[\w-]*[*?]/)).toEqual([]);
  });

  test('no page suggests a plain npx cdktf diff, output or deploy of a stack: they work on Node 20 and 22 only; npm run cli and npm run deploy work on all', () => {
    // The command `npm run deploy` prints (after its CLI config, docs/deploy.md) is output, not a suggestion.
    expect(mentions(/(?<!terraform\.rc )npx cdktf (?:diff|output|deploy) [\w'"-]/)).toEqual([]);
  });

  test('no message of the commands tells the user to run a plain npx cdktf command: they name npm run deploy, npm run cli or npm run synth', () => {
    const sources = readdirSync(path.join(PROJECT_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    const found = sources.flatMap((file) =>
      readFileSync(path.join(PROJECT_ROOT, 'src', file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          /"(?:[A-Z_]+=\S+ )?npx cdktf \w/.test(line) ? [`src/${file}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
