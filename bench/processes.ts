import fs from 'fs';

/**
 * The resident set size of a process, in MB, from Linux's `/proc/<pid>/status`.
 * @throws when there is no such process.
 */
export function rssMb(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}
