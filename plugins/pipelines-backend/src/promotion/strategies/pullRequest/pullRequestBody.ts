import type { PromotionRecord } from '@gitops-pipelines/plugin-pipelines-common';

const BEGIN = '<!-- backstage-pipelines:begin -->';
const END = '<!-- backstage-pipelines:end -->';

/**
 * The part of a promotion pull request's description this backend writes, between two
 * HTML comments so that later updates replace only it. No secrets: pipeline, versions,
 * requester and the ledger id only.
 */
export function pullRequestSection(
  record: PromotionRecord,
  pipeline: string,
  marker: string,
  fields: number,
): string {
  return [
    BEGIN,
    `Promotes **${record.version}** into environment **${
      record.toEnvironment
    }** of pipeline \`${pipeline}\`${
      record.fromEnvironment ? ` (from ${record.fromEnvironment})` : ''
    }.`,
    '',
    `Edits the ${fields} field(s) marked \`# {"$promotion": "${marker}"}\`.`,
    '',
    `Requested by ${record.requestedBy} (${record.trigger}); promotion ${record.id} in the Backstage promotion ledger.`,
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
