import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the GitOps Pipelines backend plugin. */
  pipelines?: {
    /**
     * Management clusters: where Pipeline and GitopsCluster objects live. When unset,
     * the clusters of `kubernetes.clusterLocatorMethods` (type `config`) are used.
     */
    managementClusters?: Array<{
      /** Name, as used in API paths and the `pipelines.weave.works/cluster` annotation. */
      name: string;
      /** URL of the Kubernetes API server. */
      url: string;
      /**
       * Bearer token of the pipelines backend's own service account (`backstage/gitops-pipelines`
       * of manifests/rbac-management-cluster.yaml, with rbac-pipelines-namespace.yaml in each
       * namespace holding Pipelines). Never the Kubernetes plugin's: its proxy lets every
       * signed-in user read what its account reads.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * PEM-encoded CA of the API server, base64-encoded.
       * @visibility secret
       */
      caData?: string;
      /** Path to a CA file instead of caData. */
      caFile?: string;
      /** Do not verify the API server's certificate (tests only). */
      skipTLSVerify?: boolean;
    }>;
    /**
     * The management cluster used for entities without the
     * `pipelines.weave.works/cluster` annotation. Defaults to the first one.
     */
    defaultManagementCluster?: string;
    /**
     * Write each Pipeline's Ready condition and observedGeneration back to its status
     * (as pipeline-controller does). One replica at a time does it. Default true; turn it
     * off when pipeline-controller still runs on the cluster.
     */
    writeStatus?: boolean;
    /**
     * Level-triggered promotions: when every target of an environment is Ready at a
     * version and the next environment does not run it (nor anything newer), request
     * its promotion — unless the next environment is held or already has an active
     * promotion. Default false (pipeline-controller's default); a Pipeline opts in or out
     * with the annotation `pipelines.weave.works/level-trigger: "true" | "false"`.
     */
    levelTriggers?: boolean;
    /**
     * How long a promotion may be rolling out (its change merged or its notification
     * sent) before it fails with "not deployed within …". Default 1 hour. A Backstage
     * duration: `{ minutes: 30 }`, or a string such as `30m` or `PT30M`.
     */
    rolloutTimeout?: string | HumanDuration;
    /**
     * Where the notification strategy delivers Promote events: notification-controller's event
     * receiver (what Flux's controllers call `--events-addr`). By default through each
     * management cluster's API server service proxy to `flux-system/notification-controller`
     * port 80 (RBAC: `create` on `services/proxy`); set `url` (all clusters) or
     * `clusters.<name>.url` when the receiver is reached another way.
     */
    notificationController?: {
      /** The receiver's URL for every management cluster, e.g. `http://notification-controller.flux-system.svc`. */
      url?: string;
      /** Per management cluster (by name), overriding `url`. */
      clusters?: {
        [name: string]: {
          /** The receiver's URL for this management cluster. */
          url?: string;
        };
      };
    };
    approvals?: {
      /**
       * Distinct approvers (never the requester) a manual promotion needs, unless the
       * Pipeline's `pipelines.weave.works/required-approvals` annotation (e.g. "prod=2")
       * says otherwise for its environment. Default 1, at most 10.
       */
      required?: number;
      /**
       * How long a promotion may wait for approval: after it, an unanswered request ends as
       * `rejected` ("no decision within …"). E.g. `{ hours: 24 }` or `24h`. Default: no limit.
       */
      timeout?: string | HumanDuration;
    };
    /**
     * Polling of open promotion pull requests until they are merged or closed: first after
     * `minInterval` (default 10 s), then every tenth of the pull request's age, at most
     * `maxInterval` (default 5 min). GitHub polls are conditional (ETag), so an unchanged
     * pull request costs no rate limit.
     */
    pullRequestPolling?: {
      /** The shortest wait between two checks (the first one comes after it). Default 10 s. */
      minInterval?: string | HumanDuration;
      /** The longest wait between two checks. Default 5 min. */
      maxInterval?: string | HumanDuration;
    };
    /**
     * The forges pull-request credentials may go to. A Pipeline's pull-request `url` must be
     * https on a host of Backstage `integrations` (github, gitlab, bitbucketServer; github.com
     * and gitlab.com are known by default) or of `allowedHosts`, on the configured port;
     * anything else fails the promotion and the preview ("… is not a known forge"). Git and
     * the API clients send credentials to that host only and follow no redirect.
     */
    forges?: {
      /**
       * More forge hosts, any provider: `git.example.com` or `https://git.example.com` (https,
       * port 443), `git.example.com:8443`, or `http://127.0.0.1:6480` — http only when written
       * with `http://` (credentials then travel unencrypted: tests and the sandbox only;
       * warned at start). No paths, users or wildcards. The API base is derived from the host
       * (`/api/v3`, `/api/v4`, `/rest/api/1.0`). Default: none.
       * @visibility backend
       */
      allowedHosts?: string[];
      /**
       * Whose credentials a pull request uses. `secret` (default): the strategy's Secret
       * (`username`/`password` for git, `token` for the API), for any known host.
       * `integrations`: on a host of Backstage `integrations`, the integration's own (GitHub
       * App installation or token, GitLab token, Bitbucket Server token or username and
       * password), the Secret unread — every Pipeline naming a repository there then acts
       * with them, so this widens what a Pipeline author can do (warned at start); hosts of
       * `allowedHosts` only still use the Secret.
       * @visibility backend
       */
      credentials?: 'secret' | 'integrations';
    };
    /**
     * Where the pull-request strategy keeps its clones (one per repository, fetched
     * incrementally). Default: a folder in the system's temporary directory.
     */
    repositoryCacheDir?: string;
    /** pipeline-controller's compatibility webhooks (`/promotion/…` and `/approval/…`). */
    webhooks?: {
      /**
       * Default true: the promotion webhook takes only events signed (`X-Signature`) with the
       * `hmac-key` of the Secret that the promotion strategy of the environment promoted into
       * names (`secretRef`); a Pipeline without one gets 401. `false` lets a Pipeline whose
       * strategy names no Secret take unsigned events from anyone who can reach the backend:
       * only to migrate from pipeline-controller; warned at start.
       */
      requireSignature?: boolean;
      /**
       * Turn on `POST /approval/{namespace}/{name}/{environment}/{revision}`. Default false (the
       * path answers 404). Even when on, it approves only for an environment whose promotion
       * strategy has a `secretRef` to a Secret with `approval-hmac-key` (never `hmac-key`), and
       * only a request signed with it whose body names the path and a current timestamp; it
       * counts as one approver, `webhook-approval:<namespace>/<name>`.
       */
      approval?: boolean;
      /**
       * The webhooks' rate limits (each replica counts its own); past one the answer is 429
       * with Retry-After.
       */
      rateLimit?: {
        /**
         * Refused requests (no such pipeline, unsigned, bad signature…) allowed per window from
         * one client address (as `backend.trustProxy` makes Express see it). Signed events are
         * never counted here. Default 30.
         */
        requests?: number;
        /** Accepted (signed) requests allowed per window for one pipeline and path kind. Default 300. */
        signedRequests?: number;
        /** The window, in seconds. Default 10. */
        windowSeconds?: number;
      };
    };
    /** Who may do what beyond the permission policy's decisions. The defaults are the safe ones. */
    permissions?: {
      /**
       * Service principals (their subjects, e.g. `external:ci-bot`) that may request, retry,
       * cancel their own and roll back promotions and release holds — still on the policy's
       * decision about the Pipeline's own entity; never approve, reject, block or override.
       * Default none: only users change pipelines (the scaffolder action and MCP act on
       * behalf of the user). Warned at start.
       * @visibility backend
       */
      serviceMutations?: string[];
    };
    /** How far a Pipeline's targets may reach. The defaults are the safe ones (Flux's). */
    clusters?: {
      /**
       * Allow a target's `clusterRef.namespace` to name another namespace than the
       * Pipeline's (Flux's `--no-cross-namespace-refs` inverted). Default false: such a target
       * is TargetClusterNotFound. When true, whoever can write a Pipeline in any namespace can
       * use the GitopsClusters (and their kubeconfig Secrets) of every namespace. Warned at start.
       * @visibility backend
       */
      allowCrossNamespaceRefs?: boolean;
      /**
       * Allow kubeconfigs from Secrets to set `insecure-skip-tls-verify: true` or to name an
       * `http://` server. Default false: they are refused. Warned at start.
       * @visibility backend
       */
      allowInsecureSkipTlsVerify?: boolean;
      /**
       * When set, the only API servers a kubeconfig from a Secret may name: `host`,
       * `host:port`, `*.domain` or `*.domain:port` (any port when none is given), matched
       * against the server URL's host as written. Default: any https server.
       * @visibility backend
       */
      allowedServers?: string[];
    };
    /**
     * For organisations that keep cluster credentials in Backstage config rather than in
     * kubeconfig Secrets: targets on these GitopsClusters use the URL and token of a
     * cluster of `kubernetes.clusterLocatorMethods` (type config). The GitopsCluster must
     * still exist (and be Ready).
     */
    gitopsClusterMappings?: Array<{
      /** The GitopsCluster, `namespace/name`. */
      gitopsCluster: string;
      /** The name of a cluster in `kubernetes.clusterLocatorMethods` (type config). */
      cluster: string;
    }>;
  };
}
