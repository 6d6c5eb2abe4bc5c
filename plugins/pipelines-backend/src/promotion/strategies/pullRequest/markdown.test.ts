import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { inertText, inlineCode } from './markdown';
import { pullRequestSection, withSection } from './pullRequestBody';

/**
 * What is left of a Markdown text once every code span is taken out (CommonMark: a run of N
 * backticks up to the next run of exactly N). What remains is what a forge renders.
 */
function outsideCodeSpans(markdown: string): string {
  let out = '';
  let i = 0;
  while (i < markdown.length) {
    const open = /`+/.exec(markdown.slice(i));
    if (!open) return out + markdown.slice(i);
    const start = i + open.index;
    const fence = open[0];
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
    close.lastIndex = start + fence.length;
    const end = close.exec(markdown);
    if (!end) return out + markdown.slice(i);
    out += `${markdown.slice(i, start)}\u0000`;
    i = end.index + fence.length;
  }
  return out;
}

/** Values a Pipeline author, an event or a user controls, each one of a kind. */
const HOSTILE = [
  '@org/admins',
  '@alice',
  '#1',
  'GH-1',
  'org/repo#12',
  '!3',
  '~bug',
  '%"milestone"',
  '$snippet',
  '&epic',
  '[click](https://evil.example)',
  '![x](https://evil.example/p.png)',
  'https://evil.example',
  'www.evil.example',
  '<https://evil.example>',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '**bold** _em_ ~~gone~~',
  '`code` and ``double``',
  '```',
  '`',
  ' ` ',
  'line\n# heading\n- list\n> quote',
  'a\r\n\r\n---',
  '<!-- backstage-pipelines:end -->',
  '| table | row |',
  '\\`escaped\\`',
  ':smile: :+1:',
];

/** Markdown constructs that must not appear outside a code span. */
const ACTIVE = /[@#!~$&<>[\]*_|\\:]|https?|www\./;

describe('inlineCode', () => {
  it.each(HOSTILE)('shows %j as one inert code span', value => {
    const span = inlineCode(value);
    expect(span).not.toMatch(/[\r\n]/);
    expect(outsideCodeSpans(span)).toBe('\u0000');
  });

  it('keeps the value readable', () => {
    expect(inlineCode('6.1.0')).toBe('`6.1.0`');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
  });
});

describe('inertText', () => {
  it.each(HOSTILE)(
    'renders nothing active of a reason containing %j',
    value => {
      const text = inertText(`Cancelled by user:default/bob: ${value} now`);
      expect(text).not.toMatch(/[\r\n]/);
      expect(outsideCodeSpans(text)).not.toMatch(ACTIVE);
    },
  );

  it('leaves plain words plain', () => {
    expect(
      inertText(
        'Cancelled by user:default/alice: wrong version, sorry. This pull request was closed from Backstage.',
      ),
    ).toBe(
      'Cancelled by `user:default/alice:` wrong version, sorry. This pull request was closed from Backstage.',
    );
  });
});

describe('pullRequestSection', () => {
  const record = (over: Partial<PromotionRecord>) =>
    ({
      id: 'b5c1',
      toEnvironment: 'prod',
      fromEnvironment: 'test',
      version: '6.1.0',
      requestedBy: 'user:default/alice',
      trigger: 'user',
      ...over,
    } as PromotionRecord);

  it.each(HOSTILE)('keeps %j inert in every field', value => {
    const section = pullRequestSection(
      record({
        version: value,
        toEnvironment: value,
        fromEnvironment: value,
        requestedBy: value,
        trigger: value as any,
        id: value,
      }),
      value,
      value,
      1,
    );
    const lines = section.split('\n');
    // the markers, and nothing active between them
    expect(lines[0]).toBe('<!-- backstage-pipelines:begin -->');
    expect(lines[lines.length - 1]).toBe('<!-- backstage-pipelines:end -->');
    const inner = lines.slice(1, -1).join('\n');
    expect(outsideCodeSpans(inner)).not.toMatch(ACTIVE);
    expect(inner).not.toContain('<!--');
    // a later update replaces exactly this section
    const body = withSection(`human text\n\n${section}\n\nafter`, 'NEW');
    expect(body).toBe('human text\n\nNEW\n\nafter');
  });
});
