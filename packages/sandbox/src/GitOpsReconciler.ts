import {
  KubeConfig,
  KubernetesObject,
  loadAllYaml,
} from '@kubernetes/client-node';
import { git } from './forge/git';
import { apply } from './kube';

/**
 * Stands in for Flux's source- and kustomize-controllers on the demo repository: when
 * `branch` moves, every manifest under `clusters/<cluster>/` is applied to that cluster.
 * A merged promotion pull request therefore really changes what runs.
 */
export class GitOpsReconciler {
  private timer?: NodeJS.Timeout;
  private applied = '';
  private busy = false;

  constructor(
    private readonly bareRepo: string,
    private readonly clusters: Record<string, KubeConfig>,
    private readonly options: {
      branch?: string;
      intervalMs?: number;
      onError?: (e: unknown) => void;
    } = {},
  ) {}

  /** The commit last applied. */
  get revision() {
    return this.applied;
  }

  /**
   * Starts following the branch from its current commit, which the caller has already
   * applied (the seed): only later moves are applied, so direct edits of the clusters stay
   * until the branch moves.
   */
  async start() {
    this.applied = await git(
      this.bareRepo,
      'rev-parse',
      `refs/heads/${this.options.branch ?? 'main'}`,
    );
    this.timer = setInterval(
      () => void this.reconcile(),
      this.options.intervalMs ?? 1000,
    );
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Applies the branch if it moved; returns the commit applied. */
  async reconcile(): Promise<string> {
    if (this.busy) return this.applied;
    this.busy = true;
    try {
      const branch = this.options.branch ?? 'main';
      const head = await git(
        this.bareRepo,
        'rev-parse',
        `refs/heads/${branch}`,
      );
      if (head === this.applied) return head;
      const files = (
        await git(
          this.bareRepo,
          'ls-tree',
          '-r',
          '--name-only',
          head,
          'clusters/',
        )
      )
        .split('\n')
        .filter(f => /\.ya?ml$/.test(f));
      for (const [cluster, kc] of Object.entries(this.clusters)) {
        const objects: KubernetesObject[] = [];
        for (const file of files.filter(f =>
          f.startsWith(`clusters/${cluster}/`),
        )) {
          const text = await git(this.bareRepo, 'show', `${head}:${file}`);
          objects.push(
            ...(loadAllYaml(text).filter(Boolean) as KubernetesObject[]),
          );
        }
        if (objects.length) await apply(kc, objects);
      }
      this.applied = head;
      return head;
    } catch (e) {
      this.options.onError?.(e);
      return this.applied;
    } finally {
      this.busy = false;
    }
  }
}
