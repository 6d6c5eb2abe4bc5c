/**
 * Values from a Pipeline, an event or a user (versions, names, requesters, reasons) as they
 * go into a pull request's description or comment on GitHub, GitLab and Bitbucket Server:
 * shown as written, never as Markdown, a link, HTML, an @mention or a #/!/~ reference.
 */

/** Control characters and line breaks, which would end a code span or start a new block. */
// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const BREAKS = /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g;

/**
 * `value` as a CommonMark code span: nothing in it is rendered (no emphasis, link, HTML,
 * mention or reference), with a fence longer than any run of backticks inside and line
 * breaks turned into spaces.
 */
export function inlineCode(value: string): string {
  const text = String(value).replace(BREAKS, ' ');
  const longest = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) || !text ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Words that need no protection: letters, digits and sentence punctuation, with no dot
 * inside (GitHub links `www.example.com` and bare domains on its own).
 */
const PLAIN = /^[\p{L}\p{N}'"’,;?()-]+[.]?$/u;

/**
 * A free text (a comment built from a reason someone typed) on one line, each word shown
 * literally: plain words stay plain, any other word (one with `@`, `#`, `!`, `~`, `:`, `/`,
 * `*`, `_`, `[`, `<`, a URL …) becomes a code span, so the forge renders, links and
 * notifies nothing.
 */
export function inertText(text: string): string {
  return String(text)
    .replace(BREAKS, ' ')
    .split(/ +/)
    .filter(Boolean)
    .map(word => {
      // a word alone like `-`, `1.` or `+` could start a list; a dotted one could be a link
      if (PLAIN.test(word) && !/^[-\d]*[.]?$/.test(word)) return word;
      const end = /[.,;]$/.exec(word)?.[0] ?? '';
      const core = end ? word.slice(0, -1) : word;
      return `${inlineCode(core)}${end}`;
    })
    .join(' ');
}
