// Generated from plugins/pipelines-backend/src/schema/openapi.yaml by scripts/openapi.mjs.
// Do not edit: change the YAML and run `yarn openapi:generate`.
/* eslint-disable */

export interface paths {
    "/v1/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Every pipeline the caller may read, as summaries, and the management clusters. */
        get: operations["ListPipelines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description One pipeline: spec, conditions, environments and their targets with status. */
        get: operations["GetPipeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entity/{kind}/{namespace}/{name}/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The pipelines a catalog entity links to (annotation `pipelines.weave.works/pipeline`), in full, each with what the caller may do on it; a linked pipeline the caller may not read on its own entity is answered as not found (the entity's annotation links for display, it grants nothing). */
        get: operations["GetEntityPipelines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Delivery metrics from the ledger: deployment frequency, lead times, change failure rate, time to restore. */
        get: operations["GetDeliveryMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/entity/{kind}/{namespace}/{name}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The delivery metrics of each pipeline a catalog entity links to. */
        get: operations["GetEntityDeliveryMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Server-sent events: `pipeline-changed` / `pipeline-removed` with the pipeline's key, and `promotion-changed` with the key and the promotion's id, only for the pipelines the caller may read (`pipelines.pipeline.read` on each Pipeline's own entity). Clients refetch what they show. */
        get: operations["StreamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/promotions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A page of the promotion ledger, newest first, with every active promotion and the holds. */
        get: operations["ListPromotions"];
        put?: never;
        /** @description Requests a promotion (permission `pipelines.promotion.create`). It waits for approval when the environment is manual. An active promotion of the same version is returned with 200. */
        post: operations["CreatePromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/promotions/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description A dry run (permission `pipelines.promotion.create`): for the pull-request strategy, the marker edit applied to the cached clone of the base branch — the files and lines the pull request would change; for the notification strategy, the Flux event that would be sent. Nothing is written or sent. */
        post: operations["PreviewPromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Promotes a version deployed in the environment before, and holds the environment. */
        post: operations["Rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GetPromotion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Approves a waiting promotion (permission `pipelines.promotion.approve`; users only, never the requester). */
        post: operations["ApprovePromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Rejects a waiting promotion (permission `pipelines.promotion.approve`). */
        post: operations["RejectPromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Retries a failed promotion as a new row (`retryOf`). */
        post: operations["RetryPromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}/override": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Breaks the glass on a queued promotion into a frozen environment (permission `pipelines.promotion.override`, users only): it proceeds now. The reason is recorded in its event log and audited. */
        post: operations["OverrideFreeze"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/promotions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Cancels a waiting, queued or awaiting-merge promotion (its pull request is closed). The requester cancels their own with `pipelines.promotion.create`; anyone else's needs `pipelines.promotion.approve`, a user, and a `reason` (400 without). */
        post: operations["CancelPromotion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/holds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ListHolds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/holds/{environment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** @description Releases the hold on an environment (permission `pipelines.promotion.create`). */
        delete: operations["ReleaseHold"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/blocks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ListVersionBlocks"];
        put?: never;
        /** @description Blocks a version (permission `pipelines.version.block`, users only): every promotion request for it is refused, its waiting, queued and awaiting-merge promotions are cancelled; with `rollbackEnvironment`, that environment (which runs the version) is rolled back to the version deployed there before, in the same step. 201 when blocked now, 200 when it already was. */
        post: operations["BlockVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pipelines/{cluster}/{namespace}/{name}/blocks/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** @description Lifts the block of a version (permission `pipelines.version.block`, users only). */
        delete: operations["UnblockVersion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/promotion/{namespace}/{name}/{environment}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Compatibility webhook of Weave's pipeline-controller: a Flux event saying the app is ready in `environment` promotes its version into the next environment. No Backstage token: signed with the `hmac-key` of the Secret that the promotion strategy of the environment promoted into names (unsigned only with `pipelines.webhooks.requireSignature: false`). JSON only (415), never from a browser (403). Every unauthenticated failure (no such pipeline or environment, no key, a missing or bad signature) gets the same 401. Ignored events (and a delivery already acted on, `already delivered`) get 200 with the reason, signed mismatched ones 422. */
        post: operations["PromotionWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/approval/{namespace}/{name}/{environment}/{revision}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Compatibility approval webhook: off unless `pipelines.webhooks.approval: true`; then only with a valid HMAC from the strategy Secret's `approval-hmac-key` (never `hmac-key`). Counts as one approval. */
        post: operations["ApprovalWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Name: string;
        EnvironmentName: string;
        Reason: string;
        Error: {
            error: {
                name: string;
                message: string;
                stack?: string;
                code?: string;
                cause?: unknown;
            };
            request: {
                method?: string;
                url?: string;
            };
            response: {
                statusCode: number;
            };
        };
        PipelineKey: {
            cluster: string;
            namespace: string;
            name: string;
        };
        /** @description A `metav1.Condition`. */
        Condition: {
            type: string;
            /** @enum {string} */
            status: "True" | "False" | "Unknown";
            observedGeneration?: number;
            lastTransitionTime: string;
            reason: string;
            message: string;
        };
        LocalAppReference: {
            apiVersion: string;
            kind: string;
            name: string;
        };
        CrossNamespaceClusterReference: {
            apiVersion?: string;
            kind: string;
            name: string;
            namespace?: string;
        };
        LocalObjectReference: {
            name: string;
        };
        /** @enum {string} */
        GitProviderType: "github" | "gitlab" | "bitbucket-server";
        Strategy: {
            "pull-request"?: {
                type: components["schemas"]["GitProviderType"];
                url: string;
                baseBranch: string;
                secretRef: components["schemas"]["LocalObjectReference"];
            };
            notification?: Record<string, never>;
            secretRef?: components["schemas"]["LocalObjectReference"];
        };
        Promotion: {
            manual?: boolean;
            strategy: components["schemas"]["Strategy"];
        };
        /** @description The Pipeline's spec (`pipelines.weave.works/v1alpha1`), as validated. */
        PipelineSpec: {
            appRef: components["schemas"]["LocalAppReference"];
            environments: {
                name: string;
                targets: {
                    namespace: string;
                    clusterRef?: components["schemas"]["CrossNamespaceClusterReference"];
                }[];
                promotion?: components["schemas"]["Promotion"];
            }[];
            promotion?: components["schemas"]["Promotion"];
        };
        ValidationIssue: {
            /** @description e.g. `spec.environments[1].targets[0].namespace` */
            path: string;
            message: string;
        };
        /** @enum {string} */
        TargetHealth: "ready" | "not-ready" | "progressing" | "suspended" | "app-missing" | "cluster-not-found" | "cluster-not-ready" | "unknown";
        TargetState: {
            /** @description The GitopsCluster's `namespace/name`, or the management cluster for local targets. */
            cluster: string;
            clusterRef?: components["schemas"]["CrossNamespaceClusterReference"];
            namespace: string;
            health: components["schemas"]["TargetHealth"];
            appFound: boolean;
            /** @description The version the app runs (`lastAppliedRevision` or the chart version). */
            version?: string;
            message?: string;
            lastTransitionTime?: string;
            /** @description `status.lastAttemptedRevision`, when it differs from `version`. */
            attemptedVersion?: string;
        };
        PromotionStrategySummary: {
            /** @enum {string} */
            kind: "pull-request" | "notification" | "none";
            manual: boolean;
            pullRequest?: {
                type: components["schemas"]["GitProviderType"];
                url: string;
                baseBranch: string;
            };
            hmac: boolean;
        };
        VersionCount: {
            version: string;
            count: number;
        };
        EnvironmentState: {
            name: string;
            targets: components["schemas"]["TargetState"][];
            /** @description Versions across the targets, most common first. */
            versions: components["schemas"]["VersionCount"][];
            promotion: components["schemas"]["PromotionStrategySummary"];
        };
        LaneSummary: {
            name: string;
            versions: components["schemas"]["VersionCount"][];
            /** @enum {string} */
            health: "ready" | "progressing" | "failing" | "unknown";
        };
        /** @description The catalog entity that owns the Pipeline (its `pipelines.weave.works/entity` annotation, normalised): every permission decision about the pipeline is made on it. */
        PipelineEntityRef: string;
        /** @description The Pipeline's Kubernetes `metadata.uid`, the opaque id that live updates (signals) carry instead of names. */
        PipelineUid: string;
        /** @description What the caller may do on the pipeline, decided by the server on its own entity. */
        PipelineActionPermissions: {
            /** @description `pipelines.promotion.create` */
            create: boolean;
            /** @description `pipelines.promotion.approve` */
            approve: boolean;
            /** @description `pipelines.promotion.override` */
            override: boolean;
            /** @description `pipelines.version.block` */
            block: boolean;
        };
        PipelineSummary: {
            cluster: string;
            namespace: string;
            name: string;
            entityRef?: components["schemas"]["PipelineEntityRef"];
            uid?: components["schemas"]["PipelineUid"];
            appRef?: components["schemas"]["LocalAppReference"];
            environments: string[];
            lanes: components["schemas"]["LaneSummary"][];
            ready?: components["schemas"]["Condition"];
            validationErrors: number;
        };
        PipelineDetail: {
            cluster: string;
            namespace: string;
            name: string;
            /** @enum {string} */
            dataState: "live" | "no-cluster-data";
            entityRef?: components["schemas"]["PipelineEntityRef"];
            uid?: components["schemas"]["PipelineUid"];
            permissions?: components["schemas"]["PipelineActionPermissions"];
            /** @description The Pipeline's `pipelines.weave.works/…` annotations. */
            annotations?: {
                [key: string]: string;
            };
            generation?: number;
            observedGeneration?: number;
            spec?: components["schemas"]["PipelineSpec"];
            appRef?: components["schemas"]["LocalAppReference"];
            conditions: components["schemas"]["Condition"][];
            validationErrors: components["schemas"]["ValidationIssue"][];
            environments: components["schemas"]["EnvironmentState"][];
        };
        ManagementClusterInfo: {
            name: string;
            connected: boolean;
            error?: string;
        };
        PipelineListResponse: {
            items: components["schemas"]["PipelineSummary"][];
            clusters: components["schemas"]["ManagementClusterInfo"][];
            /** @description The management cluster of entities whose annotations name none. */
            defaultCluster?: string;
        };
        EntityPipelineEntry: {
            ref: components["schemas"]["PipelineKey"];
            /** @constant */
            state: "found";
            pipeline: components["schemas"]["PipelineDetail"];
        } | {
            ref: components["schemas"]["PipelineKey"];
            /** @enum {string} */
            state: "not-found" | "no-cluster-data";
            message: string;
        };
        EntityPipelinesResponse: {
            entityRef: string;
            annotationErrors: string[];
            items: components["schemas"]["EntityPipelineEntry"][];
        };
        /** @enum {string} */
        PromotionState: "waiting-approval" | "queued" | "running" | "awaiting-merge" | "rolling-out" | "deployed" | "failed" | "rejected" | "cancelled" | "superseded";
        PromotionApproval: {
            by: string;
            at: string;
            /** @enum {string} */
            decision: "approved" | "rejected";
            reason?: string;
        };
        /** @description A row of the promotion ledger. Timestamps are ISO 8601. */
        PromotionRecord: {
            id: string;
            pipeline: components["schemas"]["PipelineKey"];
            fromEnvironment?: string;
            toEnvironment: string;
            version: string;
            /** @enum {string} */
            trigger: "webhook" | "level" | "user" | "scaffolder" | "rollback";
            requestedBy: string;
            approvals: components["schemas"]["PromotionApproval"][];
            requiredApprovals: number;
            state: components["schemas"]["PromotionState"];
            /** @enum {string} */
            strategy: "pull-request" | "notification";
            pullRequestUrl?: string;
            pullRequestNumber?: number;
            mergedBy?: string;
            mergedAt?: string;
            deployedAt?: string;
            endedAt?: string;
            retryOf?: string;
            error?: string;
            attempts: number;
            createdAt: string;
            updatedAt: string;
        };
        PromotionEvent: {
            id: number;
            promotionId: string;
            /** @enum {string} */
            type: "requested" | "approved" | "rejected" | "queued" | "started" | "attempt-failed" | "pull-request-opened" | "pull-request-updated" | "pull-request-merged" | "pull-request-closed" | "notification-sent" | "no-change" | "target-ready" | "deployed" | "failed" | "cancelled" | "superseded" | "hold-placed" | "frozen" | "freeze-overridden" | "migrated";
            at: string;
            actor?: string;
            message: string;
        };
        /** @description A promotion (the properties of PromotionRecord) with its event log, oldest first. */
        PromotionDetail: {
            id: string;
            pipeline: components["schemas"]["PipelineKey"];
            fromEnvironment?: string;
            toEnvironment: string;
            version: string;
            /** @enum {string} */
            trigger: "webhook" | "level" | "user" | "scaffolder" | "rollback";
            requestedBy: string;
            approvals: components["schemas"]["PromotionApproval"][];
            requiredApprovals: number;
            state: components["schemas"]["PromotionState"];
            /** @enum {string} */
            strategy: "pull-request" | "notification";
            pullRequestUrl?: string;
            pullRequestNumber?: number;
            mergedBy?: string;
            mergedAt?: string;
            deployedAt?: string;
            endedAt?: string;
            retryOf?: string;
            error?: string;
            attempts: number;
            createdAt: string;
            updatedAt: string;
            events: components["schemas"]["PromotionEvent"][];
        };
        EnvironmentHold: {
            environment: string;
            heldBy: string;
            reason: string;
            createdAt: string;
            promotionId?: string;
        };
        VersionBlock: {
            version: string;
            blockedBy: string;
            reason: string;
            createdAt: string;
        };
        VersionBlockListResponse: {
            items: components["schemas"]["VersionBlock"][];
        };
        BlockVersionRequest: {
            version: string;
            reason: string;
            rollbackEnvironment?: components["schemas"]["EnvironmentName"];
        };
        BlockVersionResponse: {
            block: components["schemas"]["VersionBlock"];
            created: boolean;
            cancelled: components["schemas"]["PromotionRecord"][];
            notCancelled: components["schemas"]["PromotionRecord"][];
            rollback?: components["schemas"]["PromotionRecord"];
        };
        PromotionListResponse: {
            items: components["schemas"]["PromotionRecord"][];
            totalCount: number;
            offset: number;
            limit: number;
            active: components["schemas"]["PromotionRecord"][];
            holds: components["schemas"]["EnvironmentHold"][];
            blocks: components["schemas"]["VersionBlock"][];
            /** @description The gates of each active promotion, by its id. */
            gates: {
                [key: string]: components["schemas"]["PromotionGate"][];
            };
        };
        PromotionGate: {
            /** @enum {string} */
            name: "approvals" | "freeze" | "block" | "soak";
            /** @enum {string} */
            state: "passed" | "pending" | "failed";
            description: string;
        };
        HoldListResponse: {
            items: components["schemas"]["EnvironmentHold"][];
        };
        CreatePromotionRequest: {
            environment: components["schemas"]["EnvironmentName"];
            version: string;
        };
        PromotionPreviewRequest: {
            environment: components["schemas"]["EnvironmentName"];
            version: string;
        };
        DiffHunk: {
            oldStart: number;
            oldLines: number;
            newStart: number;
            newLines: number;
            lines: string[];
        };
        PromotionPreview: {
            /** @constant */
            strategy: "pull-request";
            repository: string;
            baseBranch: string;
            branch: string;
            title: string;
            found: number;
            changed: number;
            files: {
                path: string;
                hunks: components["schemas"]["DiffHunk"][];
            }[];
        } | {
            /** @constant */
            strategy: "notification";
            event: {
                [key: string]: unknown;
            };
        };
        RollbackRequest: {
            environment: components["schemas"]["EnvironmentName"];
            version: string;
            reason?: components["schemas"]["Reason"];
        };
        FreezeOverrideRequest: {
            reason: string;
        };
        PromotionActionRequest: {
            reason?: components["schemas"]["Reason"];
        };
        DurationSummary: {
            count: number;
            medianSeconds?: number;
            p90Seconds?: number;
        };
        EnvironmentDeliveryMetrics: {
            environment: string;
            deployments: number;
            deploymentsPerWeek: number;
            leadTime: components["schemas"]["DurationSummary"];
            failures: number;
            rollbacks: number;
            changeFailureRate?: number;
            timeToRestore: components["schemas"]["DurationSummary"];
        };
        /** @description Delivery metrics of a pipeline over a window, from the promotion ledger (definitions in the README). */
        DeliveryMetrics: {
            pipeline: components["schemas"]["PipelineKey"];
            window: string;
            from: string;
            to: string;
            environments: components["schemas"]["EnvironmentDeliveryMetrics"][];
            leadTimeFirstToLast: components["schemas"]["DurationSummary"];
            daily: {
                date: string;
                environment: string;
                deployments: number;
                failures: number;
            }[];
        };
        EntityDeliveryMetricsResponse: {
            entityRef: string;
            items: components["schemas"]["DeliveryMetrics"][];
        };
        /** @description An event of Flux's notification-controller (generic / generic-hmac Provider). */
        FluxEvent: {
            involvedObject?: {
                apiVersion?: string;
                kind?: string;
                name?: string;
                namespace?: string;
            };
            metadata: {
                revision: string;
            };
            message?: string;
            reason?: string;
            severity?: string;
        };
        ApprovalWebhookRequest: {
            namespace: string;
            name: string;
            environment: string;
            revision: string;
            /** @description Unix seconds; refused when more than five minutes off. */
            timestamp: number;
            reason?: string;
        };
    };
    responses: {
        /** @description An error, in Backstage's error shape (`@backstage/errors`). */
        ErrorResponse: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The block, and what it cancelled and opened. */
        BlockVersion: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["BlockVersionResponse"];
            };
        };
        /** @description The promotion as the ledger now holds it. */
        Promotion: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["PromotionRecord"];
            };
        };
    };
    parameters: {
        /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
        cluster: components["schemas"]["Name"];
        namespace: components["schemas"]["Name"];
        name: components["schemas"]["Name"];
        environment: components["schemas"]["EnvironmentName"];
        /** @description The ledger id of a promotion. */
        promotionId: string;
        /** @description Hours or days back from now, e.g. `30d` or `12h`; at most `366d`. */
        metricsWindow: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    ListPipelines: {
        parameters: {
            query?: {
                cluster?: components["schemas"]["Name"];
                namespace?: components["schemas"]["Name"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pipelines, sorted by cluster, namespace and name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PipelineListResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    GetPipeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pipeline. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PipelineDetail"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    GetEntityPipelines: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                kind: components["schemas"]["Name"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The linked pipelines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntityPipelinesResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    GetDeliveryMetrics: {
        parameters: {
            query?: {
                /** @description Hours or days back from now, e.g. `30d` or `12h`; at most `366d`. */
                window?: components["parameters"]["metricsWindow"];
            };
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryMetrics"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    GetEntityDeliveryMetrics: {
        parameters: {
            query?: {
                /** @description Hours or days back from now, e.g. `30d` or `12h`; at most `366d`. */
                window?: components["parameters"]["metricsWindow"];
            };
            header?: never;
            path: {
                kind: components["schemas"]["Name"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics of the linked pipelines that exist. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EntityDeliveryMetricsResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    StreamEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream that stays open, with a heartbeat comment every 15 s. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    ListPromotions: {
        parameters: {
            query?: {
                offset?: number;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromotionListResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    CreatePromotion: {
        parameters: {
            query?: never;
            header?: {
                /** @description `scaffolder` when the scaffolder action asks. */
                "x-pipelines-trigger"?: string;
            };
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePromotionRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            201: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    PreviewPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PromotionPreviewRequest"];
            };
        };
        responses: {
            /** @description What the promotion would do. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromotionPreview"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    Rollback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RollbackRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            201: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    GetPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The promotion and its event log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromotionDetail"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    ApprovePromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PromotionActionRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    RejectPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PromotionActionRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    RetryPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PromotionActionRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            201: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    OverrideFreeze: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FreezeOverrideRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    CancelPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The ledger id of a promotion. */
                id: components["parameters"]["promotionId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PromotionActionRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    ListHolds: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The environments held against automatic promotions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HoldListResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    ReleaseHold: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
                environment: components["parameters"]["environment"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The released hold. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentHold"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    ListVersionBlocks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The versions blocked on the pipeline. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionBlockListResponse"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    BlockVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BlockVersionRequest"];
            };
        };
        responses: {
            200: components["responses"]["BlockVersion"];
            201: components["responses"]["BlockVersion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    UnblockVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The management cluster that holds the Pipeline (a name under `pipelines.clusters`). */
                cluster: components["parameters"]["cluster"];
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The block that was lifted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionBlock"];
                };
            };
            default: components["responses"]["ErrorResponse"];
        };
    };
    PromotionWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
                environment: components["parameters"]["environment"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FluxEvent"];
            };
        };
        responses: {
            /** @description The active promotion of that version, or why the event was ignored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromotionRecord"] | {
                        ignored: string;
                    };
                };
            };
            201: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
    ApprovalWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                namespace: components["parameters"]["namespace"];
                name: components["parameters"]["name"];
                environment: components["parameters"]["environment"];
                revision: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalWebhookRequest"];
            };
        };
        responses: {
            200: components["responses"]["Promotion"];
            default: components["responses"]["ErrorResponse"];
        };
    };
}
