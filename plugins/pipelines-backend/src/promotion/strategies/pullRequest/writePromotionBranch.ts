import fs from 'fs';
import path from 'path';
import { PromotionError } from '../PromotionStrategy';
import { applyPromotionMarkers } from './editMarkers';

/** A working copy as {@link GitRepositoryCache.withCheckout} gives it, at `origin/<base>`. */
export interface WorkingCopy {
  path: string;
  git: (...args: string[]) => Promise<string>;
}

/** What {@link writePromotionBranch} did. */
export interface BranchResult {
  /** Marked fields found on the base branch. */
  found: number;
  /** Marked fields the base branch does not have at the version yet (0: nothing to promote). */
  changed: number;
  /** The branch's commit after the write. */
  headSha?: string;
  /** Commits of others on the branch that were kept (the edit was stacked on them). */
  keptForeignCommits: number;
}

/** Every YAML file of a working copy (not `.git`). */
export function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/** Applies the marker edit to the working tree; returns the counts (and writes only when `write`). */
function edit(dir: string, marker: string, version: string, write: boolean) {
  let found = 0;
  let changed = 0;
  for (const file of yamlFiles(dir)) {
    const result = applyPromotionMarkers(
      fs.readFileSync(file, 'utf8'),
      marker,
      version,
    );
    found += result.found;
    changed += result.changed;
    if (write && result.changed) fs.writeFileSync(file, result.text);
  }
  return { found, changed };
}

/** The author of the promotion commits (GitRepositoryCache sets it); other authors' commits are kept. */
export const COMMITTER_EMAIL = 'pipelines@backstage.local';

/**
 * Writes the promotion onto `branch`, never losing someone else's commit:
 * - the branch does not exist, or every commit it has beyond the base is this backend's
 *   ⇒ the branch is reset to the base plus the edit, pushed with `--force-with-lease` on
 *   the tip it saw (a push that raced another writer fails, and the attempt is retried);
 * - otherwise someone else committed to it (a reviewer's fix) ⇒ the edit is committed on
 *   top of their commits and pushed without force.
 * @throws PromotionError (not retryable) when no field carries the marker.
 */
export async function writePromotionBranch(
  repo: WorkingCopy,
  options: {
    base: string;
    branch: string;
    marker: string;
    version: string;
    repoUrl: string;
  },
): Promise<BranchResult> {
  const { git } = repo;
  const { base, branch, marker, version } = options;
  const onBase = edit(repo.path, marker, version, false);
  if (!onBase.found) {
    throw new PromotionError(
      `No field is marked # {"$promotion": "${marker}"} in ${options.repoUrl} (${base})`,
      false,
    );
  }
  if (!onBase.changed) return { ...onBase, keptForeignCommits: 0 };

  const remote = await git('ls-remote', 'origin', `refs/heads/${branch}`);
  const tip = remote.split(/\s+/)[0] || '';
  let foreign = 0;
  if (tip) {
    await git(
      'fetch',
      '-q',
      'origin',
      `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
    );
    // Commits on the branch that the base does not have and that this backend did not author.
    const authors = await git('log', '--format=%ae', `origin/${base}..${tip}`);
    foreign = authors
      .split('\n')
      .filter(a => a && a !== COMMITTER_EMAIL).length;
  }
  if (foreign > 0) {
    await git('checkout', '-q', '-f', '-B', branch, tip);
    if (edit(repo.path, marker, version, true).changed) {
      await git('commit', '-q', '-a', '-m', 'promoting version');
      await git('push', '-q', 'origin', `${branch}:refs/heads/${branch}`);
    }
  } else {
    edit(repo.path, marker, version, true);
    await git('checkout', '-q', '-B', branch);
    await git('commit', '-q', '-a', '-m', 'promoting version');
    await git(
      'push',
      '-q',
      `--force-with-lease=refs/heads/${branch}:${tip}`,
      'origin',
      `${branch}:refs/heads/${branch}`,
    );
  }
  return {
    ...onBase,
    headSha: await git('rev-parse', 'HEAD'),
    keptForeignCommits: foreign,
  };
}
