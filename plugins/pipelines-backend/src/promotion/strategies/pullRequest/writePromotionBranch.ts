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

/** The most YAML files the marker engine reads in one repository. */
export const MAX_YAML_FILES = 20_000;
/** The most YAML bytes the marker engine reads in one repository (256 MiB). */
export const MAX_YAML_BYTES = 256 * 1024 * 1024;
/** The largest YAML file the marker engine reads (1 MiB); larger ones are skipped. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;
/** The most directory entries the marker engine walks in one repository. */
export const MAX_TREE_ENTRIES = 200_000;

/** The YAML files of a working copy the marker engine reads, and those it skipped for their size. */
export interface YamlFiles {
  files: string[];
  /** Paths (relative) over {@link MAX_YAML_FILE_BYTES}, not read. */
  tooLarge: string[];
}

/**
 * Every YAML file of a working copy (not `.git`) that is a regular file: symbolic links are
 * skipped, whether to files or directories, so nothing outside the clone is read or
 * written. Files over {@link MAX_YAML_FILE_BYTES} are listed in `tooLarge`, not read.
 * @throws PromotionError (not retryable) past {@link MAX_YAML_FILES} YAML files,
 *   {@link MAX_YAML_BYTES} bytes of them, or {@link MAX_TREE_ENTRIES} entries.
 */
export function yamlFiles(dir: string): YamlFiles {
  const out: YamlFiles = { files: [], tooLarge: [] };
  let entries = 0;
  let bytes = 0;
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (++entries > MAX_TREE_ENTRIES)
        throw new PromotionError(
          `The repository has more than ${MAX_TREE_ENTRIES} files and folders: the marker engine reads at most that many`,
          false,
        );
      if (entry.name === '.git' && at === dir) continue;
      const full = path.join(at, entry.name);
      // Dirent types come from lstat: a symbolic link is neither a directory nor a file here.
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
        const { size } = fs.lstatSync(full);
        if (size > MAX_YAML_FILE_BYTES) {
          out.tooLarge.push(path.relative(dir, full));
          continue;
        }
        bytes += size;
        if (bytes > MAX_YAML_BYTES)
          throw new PromotionError(
            `The repository's YAML files hold more than ${
              MAX_YAML_BYTES / 1024 / 1024
            } MiB: the marker engine reads at most that much`,
            false,
          );
        if (out.files.length >= MAX_YAML_FILES)
          throw new PromotionError(
            `The repository has more than ${MAX_YAML_FILES} YAML files: the marker engine reads at most that many`,
            false,
          );
        out.files.push(full);
      }
    }
  };
  walk(dir);
  return out;
}

/** Applies the marker edit to the working tree; returns the counts (and writes only when `write`). */
function edit(dir: string, marker: string, version: string, write: boolean) {
  let found = 0;
  let changed = 0;
  const { files, tooLarge } = yamlFiles(dir);
  for (const file of files) {
    const result = applyPromotionMarkers(
      fs.readFileSync(file, 'utf8'),
      marker,
      version,
    );
    found += result.found;
    changed += result.changed;
    if (write && result.changed) fs.writeFileSync(file, result.text);
  }
  return { found, changed, tooLarge };
}

/** What a marker search skipped, for the "no field is marked" message. */
export function skippedNote(tooLarge: string[]): string {
  if (!tooLarge.length) return '';
  const shown = tooLarge.slice(0, 3).join(', ');
  return `; ${tooLarge.length} YAML file(s) over ${
    MAX_YAML_FILE_BYTES / 1024 / 1024
  } MiB were not read (${shown}${tooLarge.length > 3 ? ', …' : ''})`;
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
      `No field is marked # {"$promotion": "${marker}"} in ${
        options.repoUrl
      } (${base})${skippedNote(onBase.tooLarge)}`,
      false,
    );
  }
  const counts = { found: onBase.found, changed: onBase.changed };
  if (!onBase.changed) return { ...counts, keptForeignCommits: 0 };

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
    ...counts,
    headSha: await git('rev-parse', 'HEAD'),
    keptForeignCommits: foreign,
  };
}
