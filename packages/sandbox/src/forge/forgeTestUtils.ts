import fs from 'fs';
import os from 'os';
import path from 'path';
import { git } from './git';
import { GitForge } from './GitForge';

/** The forge's users in the forge tests: the author of the pull requests and two colleagues. */
export const forgeUsers = {
  author: {
    username: 'forge-user',
    password: 'forge-password',
    token: 'forge-token',
  },
  alice: {
    username: 'alice',
    password: 'alice-password',
    token: 'alice-token',
  },
  bob: { username: 'bob', password: 'bob-password', token: 'bob-token' },
};

/** Starts a forge with the test users and one repository, `owner/repo`, holding a README on `main`. */
export async function startTestForge(
  owner: string,
  repo: string,
): Promise<GitForge> {
  const forge = await GitForge.start({ users: Object.values(forgeUsers) });
  await forge.createRepo(owner, repo, { 'README.md': '# demo\n' });
  return forge;
}

/** Stops the forge and removes its repositories. */
export async function stopTestForge(forge: GitForge) {
  await forge.stop();
  fs.rmSync(forge.dir, { recursive: true, force: true });
}

/** Pushes `branch`, off `main` with one more commit writing `files`, straight into the forge's bare repository. */
export async function pushBranch(
  forge: GitForge,
  owner: string,
  repo: string,
  branch: string,
  files: Record<string, string>,
) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-branch-'));
  try {
    await git(work, 'clone', '-q', forge.repoPath(owner, repo), '.');
    await git(work, 'checkout', '-q', '-b', branch);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.writeFileSync(path.join(work, file), content);
    }
    await git(work, 'add', '-A');
    await git(
      work,
      'commit',
      '-q',
      '-m',
      `Change ${Object.keys(files).join(', ')}`,
    );
    await git(work, 'push', '-q', 'origin', branch);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
