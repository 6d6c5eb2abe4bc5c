/** Body of `POST /v1/pipelines/{cluster}/{namespace}/{name}/promotions/preview`. @public */
export interface PromotionPreviewRequest {
  environment: string;
  version: string;
}

/** One hunk of a unified diff: where it starts in the old and new file, and its lines (`-`, `+`, ` `). @public */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** The change a pull-request promotion would make to one file. @public */
export interface FileChange {
  /** The file's path in the repository. */
  path: string;
  hunks: DiffHunk[];
}

/**
 * What a promotion would do, computed without doing it: for the pull-request strategy, the
 * marker edit dry-run on the cached clone of the base branch (the files and lines the pull
 * request would change); for the notification strategy, the Flux event that would be sent.
 * @public
 */
export type PromotionPreview =
  | {
      strategy: 'pull-request';
      repository: string;
      baseBranch: string;
      /** The promotion branch the pull request would come from. */
      branch: string;
      title: string;
      /** Fields carrying the environment's marker, and how many would change (0: nothing to promote). */
      found: number;
      changed: number;
      files: FileChange[];
    }
  | {
      strategy: 'notification';
      /** The event for notification-controller's receiver (its `promotion-id` assigned when requested). */
      event: Record<string, unknown>;
    };
