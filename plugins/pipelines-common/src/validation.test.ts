import { corpus, seedPipeline } from './__fixtures__/corpus';
import { formatValidationIssue, validatePipeline } from './validation';

const startsWith = (s: string) =>
  new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe('validatePipeline', () => {
  it('has a corpus of at least 30 cases, valid and invalid', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    expect(
      corpus.filter(c => c.issues.length === 0).length,
    ).toBeGreaterThanOrEqual(10);
    expect(
      corpus.filter(c => c.issues.length > 0).length,
    ).toBeGreaterThanOrEqual(20);
  });

  it.each(corpus.map(c => [c.name, c] as const))('%s', (_name, c) => {
    const result = validatePipeline(c.doc);
    const got = result.issues.map(formatValidationIssue);
    expect(got).toEqual(
      c.issues.map(e => expect.stringMatching(startsWith(e))),
    );
    expect(result.valid).toBe(c.issues.length === 0);
  });

  it('returns the typed pipeline for the seed example', () => {
    const result = validatePipeline(seedPipeline());
    if (!result.valid)
      throw new Error(result.issues.map(formatValidationIssue).join('\n'));
    expect(result.pipeline.metadata.name).toBe('podinfo-02');
    expect(result.pipeline.spec.environments.map(e => e.name)).toEqual([
      'dev',
      'test',
      'prod',
    ]);
    expect(
      result.pipeline.spec.environments.flatMap(e => e.targets),
    ).toHaveLength(4);
    expect(result.pipeline.spec.promotion?.strategy['pull-request']?.type).toBe(
      'github',
    );
  });

  it('formats a root issue readably', () => {
    expect(
      formatValidationIssue({ path: '', message: 'must be an object' }),
    ).toBe('(root): must be an object');
  });
});
