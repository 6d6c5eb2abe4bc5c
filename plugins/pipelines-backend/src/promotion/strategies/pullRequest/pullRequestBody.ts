import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';
import { inlineCode } from './markdown';

const BEGIN = '<!-- backstage-pipelines:begin -->';
const END = '<!-- backstage-pipelines:end -->';

/** A value as a code span that cannot hold the section's own markers either. */
const code = (value: string) =>
  inlineCode(String(value).split('<!--').join('<!- -'));

/**
 * The part of a promotion pull request's description this backend writes, between two
 * HTML comments so that later updates replace only it. No secrets: pipeline, versions,
 * requester and the ledger id only — each as a code span (`inlineCode`), so a value from a
 * Pipeline, an event or a user renders as written: no Markdown, link, HTML, @mention or
 * #reference, and it cannot close the section early.
 */
export function pullRequestSection(
  record: PromotionRecord,
  pipeline: string,
  marker: string,
  fields: number,
): string {
  return [
    BEGIN,
    `Promotes ${code(record.version)} into environment ${code(
      record.toEnvironment,
    )} of pipeline ${code(pipeline)}${
      record.fromEnvironment ? ` (from ${code(record.fromEnvironment)})` : ''
    }.`,
    '',
    `Edits the ${fields} field(s) marked ${code(
      `# {"$promotion": "${marker}"}`,
    )}.`,
    '',
    `Requested by ${code(record.requestedBy)} (${code(
      record.trigger,
    )}); promotion ${code(record.id)} in the Backstage promotion ledger.`,
    END,
  ].join('\n');
}

/**
 * `body` with its generated section replaced by `section`; what humans wrote around it is
 * kept. A description without the section (written before it existed, or rewritten by
 * hand) keeps its text and gets the section appended.
 */
export function withSection(body: string, section: string): string {
  const start = body.indexOf(BEGIN);
  const end = body.indexOf(END, start);
  if (start !== -1 && end !== -1)
    return body.slice(0, start) + section + body.slice(end + END.length);
  return body.trim() ? `${body.trimEnd()}\n\n${section}` : section;
}
