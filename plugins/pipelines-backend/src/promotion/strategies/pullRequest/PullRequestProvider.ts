/** What the pull-request strategy needs from a forge. One implementation per forge. */
export interface PullRequestProvider {
  /** The open pull request from `head` into `base`, if any. */
  findOpen(head: string, base: string): Promise<{ number: number; url: string } | undefined>;
  create(pr: { head: string; base: string; title: string; body: string }): Promise<{ number: number; url: string }>;
  update(number: number, pr: { title: string; body: string }): Promise<{ number: number; url: string }>;
}
