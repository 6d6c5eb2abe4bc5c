import { execFile } from 'child_process';
import { promisify } from 'util';

const run = promisify(execFile);

/** Runs git with a fixed identity and no user or system config. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=Sandbox Forge',
      '-c',
      'user.email=forge@sandbox.local',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'gc.auto=0',
      '-c',
      'maintenance.auto=false',
      ...args,
    ],
    {
      cwd,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: cwd,
        GIT_TERMINAL_PROMPT: '0',
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout.trim();
}
