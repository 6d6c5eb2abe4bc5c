// Generated from plugins/pipelines-backend/src/schema/openapi.yaml by scripts/openapi.mjs.
// Do not edit: change the YAML and run `yarn openapi:generate`.
/* eslint-disable */

/** The pipelines REST API's OpenAPI 3.1 document. @internal */
export const spec = {
  "openapi": "3.1.0",
  "info": {
    "title": "pipelines",
    "version": "1",
    "description": "REST API of the GitOps Pipelines backend plugin (`pipelines`), served under `/api/pipelines`. Reads come from the watch cache and the promotion ledger; every route is permission-checked for the caller on the pipeline's own catalog entity (the Pipeline's `pipelines.weave.works/entity` annotation; for `/v1/promotions/{id}/…`, the pipeline of the ledger row), never on an entity the request names: a body or query with `entityRef` is answered 400. A pipeline that names no entity needs an unconditional permission. Every mutating route is audited. Errors use Backstage's error shape. This file is the contract: the router validates requests against it (and responses, in tests), and the frontend client's types are generated from it (`yarn openapi:generate`).",
    "license": {
      "name": "Apache-2.0",
      "url": "http://www.apache.org/licenses/LICENSE-2.0.html"
    }
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "components": {
    "parameters": {
      "cluster": {
        "name": "cluster",
        "in": "path",
        "required": true,
        "description": "The management cluster that holds the Pipeline (a name under `pipelines.clusters`).",
        "schema": {
          "$ref": "#/components/schemas/Name"
        }
      },
      "namespace": {
        "name": "namespace",
        "in": "path",
        "required": true,
        "schema": {
          "$ref": "#/components/schemas/Name"
        }
      },
      "name": {
        "name": "name",
        "in": "path",
        "required": true,
        "schema": {
          "$ref": "#/components/schemas/Name"
        }
      },
      "environment": {
        "name": "environment",
        "in": "path",
        "required": true,
        "schema": {
          "$ref": "#/components/schemas/EnvironmentName"
        }
      },
      "promotionId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The ledger id of a promotion.",
        "schema": {
          "type": "string",
          "format": "uuid"
        }
      },
      "metricsWindow": {
        "name": "window",
        "in": "query",
        "required": false,
        "description": "Hours or days back from now, e.g. `30d` or `12h`; at most `366d`.",
        "schema": {
          "type": "string",
          "pattern": "^[1-9][0-9]{0,3}[hd]$",
          "default": "30d"
        }
      }
    },
    "responses": {
      "ErrorResponse": {
        "description": "An error, in Backstage's error shape (`@backstage/errors`).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "BlockVersion": {
        "description": "The block, and what it cancelled and opened.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/BlockVersionResponse"
            }
          }
        }
      },
      "Promotion": {
        "description": "The promotion as the ledger now holds it.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/PromotionRecord"
            }
          }
        }
      }
    },
    "schemas": {
      "Name": {
        "type": "string",
        "minLength": 1,
        "maxLength": 253
      },
      "EnvironmentName": {
        "type": "string",
        "minLength": 1,
        "maxLength": 63
      },
      "Reason": {
        "type": "string",
        "maxLength": 2000
      },
      "Error": {
        "type": "object",
        "required": [
          "error",
          "request",
          "response"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "name",
              "message"
            ],
            "properties": {
              "name": {
                "type": "string"
              },
              "message": {
                "type": "string"
              },
              "stack": {
                "type": "string"
              },
              "code": {
                "type": "string"
              },
              "cause": {}
            }
          },
          "request": {
            "type": "object",
            "properties": {
              "method": {
                "type": "string"
              },
              "url": {
                "type": "string"
              }
            }
          },
          "response": {
            "type": "object",
            "required": [
              "statusCode"
            ],
            "properties": {
              "statusCode": {
                "type": "integer"
              }
            }
          }
        }
      },
      "PipelineKey": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "cluster",
          "namespace",
          "name"
        ],
        "properties": {
          "cluster": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          }
        }
      },
      "Condition": {
        "description": "A `metav1.Condition`.",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "type",
          "status",
          "lastTransitionTime",
          "reason",
          "message"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "True",
              "False",
              "Unknown"
            ]
          },
          "observedGeneration": {
            "type": "integer"
          },
          "lastTransitionTime": {
            "type": "string"
          },
          "reason": {
            "type": "string"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "LocalAppReference": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "apiVersion",
          "kind",
          "name"
        ],
        "properties": {
          "apiVersion": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "name": {
            "type": "string"
          }
        }
      },
      "CrossNamespaceClusterReference": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "kind",
          "name"
        ],
        "properties": {
          "apiVersion": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          }
        }
      },
      "LocalObjectReference": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string"
          }
        }
      },
      "GitProviderType": {
        "type": "string",
        "enum": [
          "github",
          "gitlab",
          "bitbucket-server"
        ]
      },
      "Strategy": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "pull-request": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "type",
              "url",
              "baseBranch",
              "secretRef"
            ],
            "properties": {
              "type": {
                "$ref": "#/components/schemas/GitProviderType"
              },
              "url": {
                "type": "string"
              },
              "baseBranch": {
                "type": "string"
              },
              "secretRef": {
                "$ref": "#/components/schemas/LocalObjectReference"
              }
            }
          },
          "notification": {
            "type": "object",
            "additionalProperties": false
          },
          "secretRef": {
            "$ref": "#/components/schemas/LocalObjectReference"
          }
        }
      },
      "Promotion": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "strategy"
        ],
        "properties": {
          "manual": {
            "type": "boolean"
          },
          "strategy": {
            "$ref": "#/components/schemas/Strategy"
          }
        }
      },
      "PipelineSpec": {
        "description": "The Pipeline's spec (`pipelines.weave.works/v1alpha1`), as validated.",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "appRef",
          "environments"
        ],
        "properties": {
          "appRef": {
            "$ref": "#/components/schemas/LocalAppReference"
          },
          "environments": {
            "type": "array",
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "name",
                "targets"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "targets": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "namespace"
                    ],
                    "properties": {
                      "namespace": {
                        "type": "string"
                      },
                      "clusterRef": {
                        "$ref": "#/components/schemas/CrossNamespaceClusterReference"
                      }
                    }
                  }
                },
                "promotion": {
                  "$ref": "#/components/schemas/Promotion"
                }
              }
            }
          },
          "promotion": {
            "$ref": "#/components/schemas/Promotion"
          }
        }
      },
      "ValidationIssue": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "path",
          "message"
        ],
        "properties": {
          "path": {
            "type": "string",
            "description": "e.g. `spec.environments[1].targets[0].namespace`"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "TargetHealth": {
        "type": "string",
        "enum": [
          "ready",
          "not-ready",
          "progressing",
          "suspended",
          "app-missing",
          "cluster-not-found",
          "cluster-not-ready",
          "unknown"
        ]
      },
      "TargetState": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "cluster",
          "namespace",
          "health",
          "appFound"
        ],
        "properties": {
          "cluster": {
            "type": "string",
            "description": "The GitopsCluster's `namespace/name`, or the management cluster for local targets."
          },
          "clusterRef": {
            "$ref": "#/components/schemas/CrossNamespaceClusterReference"
          },
          "namespace": {
            "type": "string"
          },
          "health": {
            "$ref": "#/components/schemas/TargetHealth"
          },
          "appFound": {
            "type": "boolean"
          },
          "version": {
            "type": "string",
            "description": "The version the app runs (`lastAppliedRevision` or the chart version)."
          },
          "message": {
            "type": "string"
          },
          "lastTransitionTime": {
            "type": "string"
          },
          "attemptedVersion": {
            "type": "string",
            "description": "`status.lastAttemptedRevision`, when it differs from `version`."
          }
        }
      },
      "PromotionStrategySummary": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "kind",
          "manual",
          "hmac"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "pull-request",
              "notification",
              "none"
            ]
          },
          "manual": {
            "type": "boolean"
          },
          "pullRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "type",
              "url",
              "baseBranch"
            ],
            "properties": {
              "type": {
                "$ref": "#/components/schemas/GitProviderType"
              },
              "url": {
                "type": "string"
              },
              "baseBranch": {
                "type": "string"
              }
            }
          },
          "hmac": {
            "type": "boolean"
          }
        }
      },
      "VersionCount": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "version",
          "count"
        ],
        "properties": {
          "version": {
            "type": "string"
          },
          "count": {
            "type": "integer"
          }
        }
      },
      "EnvironmentState": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "targets",
          "versions",
          "promotion"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "targets": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TargetState"
            }
          },
          "versions": {
            "description": "Versions across the targets, most common first.",
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/VersionCount"
            }
          },
          "promotion": {
            "$ref": "#/components/schemas/PromotionStrategySummary"
          }
        }
      },
      "LaneSummary": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "versions",
          "health"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "versions": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/VersionCount"
            }
          },
          "health": {
            "type": "string",
            "enum": [
              "ready",
              "progressing",
              "failing",
              "unknown"
            ]
          }
        }
      },
      "PipelineEntityRef": {
        "description": "The catalog entity that owns the Pipeline (its `pipelines.weave.works/entity` annotation, normalised): every permission decision about the pipeline is made on it.",
        "type": "string"
      },
      "PipelineUid": {
        "description": "The Pipeline's Kubernetes `metadata.uid`, the opaque id that live updates (signals) carry instead of names.",
        "type": "string"
      },
      "PipelineActionPermissions": {
        "description": "What the caller may do on the pipeline, decided by the server on its own entity.",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "create",
          "approve",
          "override",
          "block"
        ],
        "properties": {
          "create": {
            "type": "boolean",
            "description": "`pipelines.promotion.create`"
          },
          "approve": {
            "type": "boolean",
            "description": "`pipelines.promotion.approve`"
          },
          "override": {
            "type": "boolean",
            "description": "`pipelines.promotion.override`"
          },
          "block": {
            "type": "boolean",
            "description": "`pipelines.version.block`"
          }
        }
      },
      "PipelineSummary": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "cluster",
          "namespace",
          "name",
          "environments",
          "lanes",
          "validationErrors"
        ],
        "properties": {
          "cluster": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "entityRef": {
            "$ref": "#/components/schemas/PipelineEntityRef"
          },
          "uid": {
            "$ref": "#/components/schemas/PipelineUid"
          },
          "appRef": {
            "$ref": "#/components/schemas/LocalAppReference"
          },
          "environments": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "lanes": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LaneSummary"
            }
          },
          "ready": {
            "$ref": "#/components/schemas/Condition"
          },
          "validationErrors": {
            "type": "integer"
          }
        }
      },
      "PipelineDetail": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "cluster",
          "namespace",
          "name",
          "dataState",
          "conditions",
          "validationErrors",
          "environments"
        ],
        "properties": {
          "cluster": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "dataState": {
            "type": "string",
            "enum": [
              "live",
              "no-cluster-data"
            ]
          },
          "entityRef": {
            "$ref": "#/components/schemas/PipelineEntityRef"
          },
          "uid": {
            "$ref": "#/components/schemas/PipelineUid"
          },
          "permissions": {
            "$ref": "#/components/schemas/PipelineActionPermissions"
          },
          "annotations": {
            "description": "The Pipeline's `pipelines.weave.works/…` annotations.",
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "generation": {
            "type": "integer"
          },
          "observedGeneration": {
            "type": "integer"
          },
          "spec": {
            "$ref": "#/components/schemas/PipelineSpec"
          },
          "appRef": {
            "$ref": "#/components/schemas/LocalAppReference"
          },
          "conditions": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Condition"
            }
          },
          "validationErrors": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ValidationIssue"
            }
          },
          "environments": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EnvironmentState"
            }
          }
        }
      },
      "ManagementClusterInfo": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "connected"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "connected": {
            "type": "boolean"
          },
          "error": {
            "type": "string"
          }
        }
      },
      "PipelineListResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "items",
          "clusters"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PipelineSummary"
            }
          },
          "clusters": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ManagementClusterInfo"
            }
          },
          "defaultCluster": {
            "type": "string",
            "description": "The management cluster of entities whose annotations name none."
          }
        }
      },
      "EntityPipelineEntry": {
        "oneOf": [
          {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "ref",
              "state",
              "pipeline"
            ],
            "properties": {
              "ref": {
                "$ref": "#/components/schemas/PipelineKey"
              },
              "state": {
                "type": "string",
                "const": "found"
              },
              "pipeline": {
                "$ref": "#/components/schemas/PipelineDetail"
              }
            }
          },
          {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "ref",
              "state",
              "message"
            ],
            "properties": {
              "ref": {
                "$ref": "#/components/schemas/PipelineKey"
              },
              "state": {
                "type": "string",
                "enum": [
                  "not-found",
                  "no-cluster-data"
                ]
              },
              "message": {
                "type": "string"
              }
            }
          }
        ]
      },
      "EntityPipelinesResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "entityRef",
          "annotationErrors",
          "items"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "annotationErrors": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EntityPipelineEntry"
            }
          }
        }
      },
      "PromotionState": {
        "type": "string",
        "enum": [
          "waiting-approval",
          "queued",
          "running",
          "awaiting-merge",
          "rolling-out",
          "deployed",
          "failed",
          "rejected",
          "cancelled",
          "superseded"
        ]
      },
      "PromotionApproval": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "by",
          "at",
          "decision"
        ],
        "properties": {
          "by": {
            "type": "string"
          },
          "at": {
            "type": "string"
          },
          "decision": {
            "type": "string",
            "enum": [
              "approved",
              "rejected"
            ]
          },
          "reason": {
            "type": "string"
          }
        }
      },
      "PromotionRecord": {
        "description": "A row of the promotion ledger. Timestamps are ISO 8601.",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "pipeline",
          "toEnvironment",
          "version",
          "trigger",
          "requestedBy",
          "approvals",
          "requiredApprovals",
          "state",
          "strategy",
          "attempts",
          "createdAt",
          "updatedAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "pipeline": {
            "$ref": "#/components/schemas/PipelineKey"
          },
          "fromEnvironment": {
            "type": "string"
          },
          "toEnvironment": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "trigger": {
            "type": "string",
            "enum": [
              "webhook",
              "level",
              "user",
              "scaffolder",
              "rollback"
            ]
          },
          "requestedBy": {
            "type": "string"
          },
          "approvals": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionApproval"
            }
          },
          "requiredApprovals": {
            "type": "integer"
          },
          "state": {
            "$ref": "#/components/schemas/PromotionState"
          },
          "strategy": {
            "type": "string",
            "enum": [
              "pull-request",
              "notification"
            ]
          },
          "pullRequestUrl": {
            "type": "string"
          },
          "pullRequestNumber": {
            "type": "integer"
          },
          "mergedBy": {
            "type": "string"
          },
          "mergedAt": {
            "type": "string"
          },
          "deployedAt": {
            "type": "string"
          },
          "endedAt": {
            "type": "string"
          },
          "retryOf": {
            "type": "string"
          },
          "error": {
            "type": "string"
          },
          "attempts": {
            "type": "integer"
          },
          "createdAt": {
            "type": "string"
          },
          "updatedAt": {
            "type": "string"
          }
        }
      },
      "PromotionEvent": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "promotionId",
          "type",
          "at",
          "message"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "promotionId": {
            "type": "string"
          },
          "type": {
            "type": "string",
            "enum": [
              "requested",
              "approved",
              "rejected",
              "queued",
              "started",
              "attempt-failed",
              "pull-request-opened",
              "pull-request-updated",
              "pull-request-merged",
              "pull-request-closed",
              "notification-sent",
              "no-change",
              "target-ready",
              "deployed",
              "failed",
              "cancelled",
              "superseded",
              "hold-placed",
              "frozen",
              "freeze-overridden",
              "migrated"
            ]
          },
          "at": {
            "type": "string"
          },
          "actor": {
            "type": "string"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "PromotionDetail": {
        "description": "A promotion (the properties of PromotionRecord) with its event log, oldest first.",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "id",
          "pipeline",
          "toEnvironment",
          "version",
          "trigger",
          "requestedBy",
          "approvals",
          "requiredApprovals",
          "state",
          "strategy",
          "attempts",
          "createdAt",
          "updatedAt",
          "events"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "pipeline": {
            "$ref": "#/components/schemas/PipelineKey"
          },
          "fromEnvironment": {
            "type": "string"
          },
          "toEnvironment": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "trigger": {
            "type": "string",
            "enum": [
              "webhook",
              "level",
              "user",
              "scaffolder",
              "rollback"
            ]
          },
          "requestedBy": {
            "type": "string"
          },
          "approvals": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionApproval"
            }
          },
          "requiredApprovals": {
            "type": "integer"
          },
          "state": {
            "$ref": "#/components/schemas/PromotionState"
          },
          "strategy": {
            "type": "string",
            "enum": [
              "pull-request",
              "notification"
            ]
          },
          "pullRequestUrl": {
            "type": "string"
          },
          "pullRequestNumber": {
            "type": "integer"
          },
          "mergedBy": {
            "type": "string"
          },
          "mergedAt": {
            "type": "string"
          },
          "deployedAt": {
            "type": "string"
          },
          "endedAt": {
            "type": "string"
          },
          "retryOf": {
            "type": "string"
          },
          "error": {
            "type": "string"
          },
          "attempts": {
            "type": "integer"
          },
          "createdAt": {
            "type": "string"
          },
          "updatedAt": {
            "type": "string"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionEvent"
            }
          }
        }
      },
      "EnvironmentHold": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "environment",
          "heldBy",
          "reason",
          "createdAt"
        ],
        "properties": {
          "environment": {
            "type": "string"
          },
          "heldBy": {
            "type": "string"
          },
          "reason": {
            "type": "string"
          },
          "createdAt": {
            "type": "string"
          },
          "promotionId": {
            "type": "string"
          }
        }
      },
      "VersionBlock": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "version",
          "blockedBy",
          "reason",
          "createdAt"
        ],
        "properties": {
          "version": {
            "type": "string"
          },
          "blockedBy": {
            "type": "string"
          },
          "reason": {
            "type": "string"
          },
          "createdAt": {
            "type": "string"
          }
        }
      },
      "VersionBlockListResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/VersionBlock"
            }
          }
        }
      },
      "BlockVersionRequest": {
        "type": "object",
        "required": [
          "version",
          "reason"
        ],
        "properties": {
          "version": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          },
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000
          },
          "rollbackEnvironment": {
            "$ref": "#/components/schemas/EnvironmentName"
          }
        }
      },
      "BlockVersionResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "block",
          "created",
          "cancelled",
          "notCancelled"
        ],
        "properties": {
          "block": {
            "$ref": "#/components/schemas/VersionBlock"
          },
          "created": {
            "type": "boolean"
          },
          "cancelled": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionRecord"
            }
          },
          "notCancelled": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionRecord"
            }
          },
          "rollback": {
            "$ref": "#/components/schemas/PromotionRecord"
          }
        }
      },
      "PromotionListResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "items",
          "totalCount",
          "offset",
          "limit",
          "active",
          "holds",
          "blocks",
          "gates"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionRecord"
            }
          },
          "totalCount": {
            "type": "integer"
          },
          "offset": {
            "type": "integer"
          },
          "limit": {
            "type": "integer"
          },
          "active": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PromotionRecord"
            }
          },
          "holds": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EnvironmentHold"
            }
          },
          "blocks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/VersionBlock"
            }
          },
          "gates": {
            "description": "The gates of each active promotion, by its id.",
            "type": "object",
            "additionalProperties": {
              "type": "array",
              "items": {
                "$ref": "#/components/schemas/PromotionGate"
              }
            }
          }
        }
      },
      "PromotionGate": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "state",
          "description"
        ],
        "properties": {
          "name": {
            "type": "string",
            "enum": [
              "approvals",
              "freeze",
              "block",
              "soak"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "passed",
              "pending",
              "failed"
            ]
          },
          "description": {
            "type": "string"
          }
        }
      },
      "HoldListResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EnvironmentHold"
            }
          }
        }
      },
      "CreatePromotionRequest": {
        "type": "object",
        "required": [
          "environment",
          "version"
        ],
        "properties": {
          "environment": {
            "$ref": "#/components/schemas/EnvironmentName"
          },
          "version": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          }
        }
      },
      "PromotionPreviewRequest": {
        "type": "object",
        "required": [
          "environment",
          "version"
        ],
        "properties": {
          "environment": {
            "$ref": "#/components/schemas/EnvironmentName"
          },
          "version": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          }
        }
      },
      "DiffHunk": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "oldStart",
          "oldLines",
          "newStart",
          "newLines",
          "lines"
        ],
        "properties": {
          "oldStart": {
            "type": "integer"
          },
          "oldLines": {
            "type": "integer"
          },
          "newStart": {
            "type": "integer"
          },
          "newLines": {
            "type": "integer"
          },
          "lines": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "PromotionPreview": {
        "oneOf": [
          {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "strategy",
              "repository",
              "baseBranch",
              "branch",
              "title",
              "found",
              "changed",
              "files"
            ],
            "properties": {
              "strategy": {
                "type": "string",
                "const": "pull-request"
              },
              "repository": {
                "type": "string"
              },
              "baseBranch": {
                "type": "string"
              },
              "branch": {
                "type": "string"
              },
              "title": {
                "type": "string"
              },
              "found": {
                "type": "integer"
              },
              "changed": {
                "type": "integer"
              },
              "files": {
                "type": "array",
                "items": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": [
                    "path",
                    "hunks"
                  ],
                  "properties": {
                    "path": {
                      "type": "string"
                    },
                    "hunks": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DiffHunk"
                      }
                    }
                  }
                }
              }
            }
          },
          {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "strategy",
              "event"
            ],
            "properties": {
              "strategy": {
                "type": "string",
                "const": "notification"
              },
              "event": {
                "type": "object",
                "additionalProperties": true
              }
            }
          }
        ]
      },
      "RollbackRequest": {
        "type": "object",
        "required": [
          "environment",
          "version"
        ],
        "properties": {
          "environment": {
            "$ref": "#/components/schemas/EnvironmentName"
          },
          "version": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255
          },
          "reason": {
            "$ref": "#/components/schemas/Reason"
          }
        }
      },
      "FreezeOverrideRequest": {
        "type": "object",
        "required": [
          "reason"
        ],
        "properties": {
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000
          }
        }
      },
      "PromotionActionRequest": {
        "type": "object",
        "properties": {
          "reason": {
            "$ref": "#/components/schemas/Reason"
          }
        }
      },
      "DurationSummary": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "count"
        ],
        "properties": {
          "count": {
            "type": "integer"
          },
          "medianSeconds": {
            "type": "number"
          },
          "p90Seconds": {
            "type": "number"
          }
        }
      },
      "EnvironmentDeliveryMetrics": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "environment",
          "deployments",
          "deploymentsPerWeek",
          "leadTime",
          "failures",
          "rollbacks",
          "timeToRestore"
        ],
        "properties": {
          "environment": {
            "type": "string"
          },
          "deployments": {
            "type": "integer"
          },
          "deploymentsPerWeek": {
            "type": "number"
          },
          "leadTime": {
            "$ref": "#/components/schemas/DurationSummary"
          },
          "failures": {
            "type": "integer"
          },
          "rollbacks": {
            "type": "integer"
          },
          "changeFailureRate": {
            "type": "number"
          },
          "timeToRestore": {
            "$ref": "#/components/schemas/DurationSummary"
          }
        }
      },
      "DeliveryMetrics": {
        "description": "Delivery metrics of a pipeline over a window, from the promotion ledger (definitions in the README).",
        "type": "object",
        "additionalProperties": false,
        "required": [
          "pipeline",
          "window",
          "from",
          "to",
          "environments",
          "leadTimeFirstToLast",
          "daily"
        ],
        "properties": {
          "pipeline": {
            "$ref": "#/components/schemas/PipelineKey"
          },
          "window": {
            "type": "string"
          },
          "from": {
            "type": "string"
          },
          "to": {
            "type": "string"
          },
          "environments": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/EnvironmentDeliveryMetrics"
            }
          },
          "leadTimeFirstToLast": {
            "$ref": "#/components/schemas/DurationSummary"
          },
          "daily": {
            "type": "array",
            "items": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "date",
                "environment",
                "deployments",
                "failures"
              ],
              "properties": {
                "date": {
                  "type": "string"
                },
                "environment": {
                  "type": "string"
                },
                "deployments": {
                  "type": "integer"
                },
                "failures": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "EntityDeliveryMetricsResponse": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "entityRef",
          "items"
        ],
        "properties": {
          "entityRef": {
            "type": "string"
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DeliveryMetrics"
            }
          }
        }
      },
      "FluxEvent": {
        "description": "An event of Flux's notification-controller (generic / generic-hmac Provider).",
        "type": "object",
        "required": [
          "metadata"
        ],
        "properties": {
          "involvedObject": {
            "type": "object",
            "properties": {
              "apiVersion": {
                "type": "string"
              },
              "kind": {
                "type": "string"
              },
              "name": {
                "type": "string"
              },
              "namespace": {
                "type": "string"
              }
            }
          },
          "metadata": {
            "type": "object",
            "required": [
              "revision"
            ],
            "properties": {
              "revision": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1024
              }
            }
          },
          "message": {
            "type": "string"
          },
          "reason": {
            "type": "string"
          },
          "severity": {
            "type": "string"
          }
        }
      },
      "ApprovalWebhookRequest": {
        "type": "object",
        "required": [
          "namespace",
          "name",
          "environment",
          "revision",
          "timestamp"
        ],
        "properties": {
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "environment": {
            "type": "string"
          },
          "revision": {
            "type": "string"
          },
          "timestamp": {
            "type": "number",
            "description": "Unix seconds; refused when more than five minutes off."
          },
          "reason": {
            "type": "string"
          }
        }
      }
    },
    "securitySchemes": {
      "backstage": {
        "type": "http",
        "scheme": "bearer",
        "description": "A Backstage user or service token."
      },
      "fluxHmac": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Signature",
        "description": "`sha256=<hex HMAC-SHA256 of the raw body>` with the `hmac-key` (promotion webhook) or `approval-hmac-key` (approval webhook) of the strategy's secretRef."
      }
    }
  },
  "security": [
    {},
    {
      "backstage": []
    }
  ],
  "paths": {
    "/v1/pipelines": {
      "get": {
        "operationId": "ListPipelines",
        "description": "Every pipeline the caller may read, as summaries, and the management clusters.",
        "parameters": [
          {
            "name": "cluster",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/Name"
            }
          },
          {
            "name": "namespace",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/Name"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The pipelines, sorted by cluster, namespace and name.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PipelineListResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}": {
      "get": {
        "operationId": "GetPipeline",
        "description": "One pipeline: spec, conditions, environments and their targets with status.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The pipeline.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PipelineDetail"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/entity/{kind}/{namespace}/{name}/pipelines": {
      "get": {
        "operationId": "GetEntityPipelines",
        "description": "The pipelines a catalog entity links to (annotation `pipelines.weave.works/pipeline`), in full, each with what the caller may do on it; a linked pipeline the caller may not read on its own entity is answered as not found (the entity's annotation links for display, it grants nothing).",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "$ref": "#/components/schemas/Name"
            }
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The linked pipelines.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntityPipelinesResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/metrics": {
      "get": {
        "operationId": "GetDeliveryMetrics",
        "description": "Delivery metrics from the ledger: deployment frequency, lead times, change failure rate, time to restore.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/metricsWindow"
          }
        ],
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeliveryMetrics"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/entity/{kind}/{namespace}/{name}/metrics": {
      "get": {
        "operationId": "GetEntityDeliveryMetrics",
        "description": "The delivery metrics of each pipeline a catalog entity links to.",
        "parameters": [
          {
            "name": "kind",
            "in": "path",
            "required": true,
            "schema": {
              "$ref": "#/components/schemas/Name"
            }
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/metricsWindow"
          }
        ],
        "responses": {
          "200": {
            "description": "The metrics of the linked pipelines that exist.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EntityDeliveryMetricsResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/events": {
      "get": {
        "operationId": "StreamEvents",
        "description": "Server-sent events: `pipeline-changed` / `pipeline-removed` with the pipeline's key, and `promotion-changed` with the key and the promotion's id, only for the pipelines the caller may read (`pipelines.pipeline.read` on each Pipeline's own entity). Clients refetch what they show.",
        "responses": {
          "200": {
            "description": "An event stream that stays open, with a heartbeat comment every 15 s.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/promotions": {
      "get": {
        "operationId": "ListPromotions",
        "description": "A page of the promotion ledger, newest first, with every active promotion and the holds.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "name": "offset",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 0,
              "default": 0
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100,
              "default": 20
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PromotionListResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "CreatePromotion",
        "description": "Requests a promotion (permission `pipelines.promotion.create`). It waits for approval when the environment is manual. An active promotion of the same version is returned with 200.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "name": "x-pipelines-trigger",
            "in": "header",
            "required": false,
            "description": "`scaffolder` when the scaffolder action asks.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CreatePromotionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "201": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/promotions/preview": {
      "post": {
        "operationId": "PreviewPromotion",
        "description": "A dry run (permission `pipelines.promotion.create`): for the pull-request strategy, the marker edit applied to the cached clone of the base branch — the files and lines the pull request would change; for the notification strategy, the Flux event that would be sent. Nothing is written or sent.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PromotionPreviewRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "What the promotion would do.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PromotionPreview"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/rollback": {
      "post": {
        "operationId": "Rollback",
        "description": "Promotes a version deployed in the environment before, and holds the environment.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RollbackRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "201": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}": {
      "get": {
        "operationId": "GetPromotion",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "responses": {
          "200": {
            "description": "The promotion and its event log.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PromotionDetail"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}/approve": {
      "post": {
        "operationId": "ApprovePromotion",
        "description": "Approves a waiting promotion (permission `pipelines.promotion.approve`; users only, never the requester).",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PromotionActionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}/reject": {
      "post": {
        "operationId": "RejectPromotion",
        "description": "Rejects a waiting promotion (permission `pipelines.promotion.approve`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PromotionActionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}/retry": {
      "post": {
        "operationId": "RetryPromotion",
        "description": "Retries a failed promotion as a new row (`retryOf`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PromotionActionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "201": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}/override": {
      "post": {
        "operationId": "OverrideFreeze",
        "description": "Breaks the glass on a queued promotion into a frozen environment (permission `pipelines.promotion.override`, users only): it proceeds now. The reason is recorded in its event log and audited.",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FreezeOverrideRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/promotions/{id}/cancel": {
      "post": {
        "operationId": "CancelPromotion",
        "description": "Cancels a waiting, queued or awaiting-merge promotion (its pull request is closed). The requester cancels their own with `pipelines.promotion.create`; anyone else's needs `pipelines.promotion.approve`, a user, and a `reason` (400 without).",
        "parameters": [
          {
            "$ref": "#/components/parameters/promotionId"
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PromotionActionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/holds": {
      "get": {
        "operationId": "ListHolds",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The environments held against automatic promotions.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HoldListResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/holds/{environment}": {
      "delete": {
        "operationId": "ReleaseHold",
        "description": "Releases the hold on an environment (permission `pipelines.promotion.create`).",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/environment"
          }
        ],
        "responses": {
          "200": {
            "description": "The released hold.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EnvironmentHold"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/blocks": {
      "get": {
        "operationId": "ListVersionBlocks",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "responses": {
          "200": {
            "description": "The versions blocked on the pipeline.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/VersionBlockListResponse"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      },
      "post": {
        "operationId": "BlockVersion",
        "description": "Blocks a version (permission `pipelines.version.block`, users only): every promotion request for it is refused, its waiting, queued and awaiting-merge promotions are cancelled; with `rollbackEnvironment`, that environment (which runs the version) is rolled back to the version deployed there before, in the same step. 201 when blocked now, 200 when it already was.",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BlockVersionRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/BlockVersion"
          },
          "201": {
            "$ref": "#/components/responses/BlockVersion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/v1/pipelines/{cluster}/{namespace}/{name}/blocks/{version}": {
      "delete": {
        "operationId": "UnblockVersion",
        "description": "Lifts the block of a version (permission `pipelines.version.block`, users only).",
        "parameters": [
          {
            "$ref": "#/components/parameters/cluster"
          },
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The block that was lifted.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/VersionBlock"
                }
              }
            }
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/promotion/{namespace}/{name}/{environment}": {
      "post": {
        "operationId": "PromotionWebhook",
        "description": "Compatibility webhook of Weave's pipeline-controller: a Flux event saying the app is ready in `environment` promotes its version into the next environment. No Backstage token: signed with the `hmac-key` of the Secret that the promotion strategy of the environment promoted into names (unsigned only with `pipelines.webhooks.requireSignature: false`). JSON only (415), never from a browser (403). Every unauthenticated failure (no such pipeline or environment, no key, a missing or bad signature) gets the same 401. Ignored events (and a delivery already acted on, `already delivered`) get 200 with the reason, signed mismatched ones 422.",
        "security": [
          {},
          {
            "fluxHmac": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/environment"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FluxEvent"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The active promotion of that version, or why the event was ignored.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/PromotionRecord"
                    },
                    {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "ignored"
                      ],
                      "properties": {
                        "ignored": {
                          "type": "string"
                        }
                      }
                    }
                  ]
                }
              }
            }
          },
          "201": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    },
    "/approval/{namespace}/{name}/{environment}/{revision}": {
      "post": {
        "operationId": "ApprovalWebhook",
        "description": "Compatibility approval webhook: off unless `pipelines.webhooks.approval: true`; then only with a valid HMAC from the strategy Secret's `approval-hmac-key` (never `hmac-key`). Counts as one approval.",
        "security": [
          {},
          {
            "fluxHmac": []
          }
        ],
        "parameters": [
          {
            "$ref": "#/components/parameters/namespace"
          },
          {
            "$ref": "#/components/parameters/name"
          },
          {
            "$ref": "#/components/parameters/environment"
          },
          {
            "name": "revision",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApprovalWebhookRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "$ref": "#/components/responses/Promotion"
          },
          "default": {
            "$ref": "#/components/responses/ErrorResponse"
          }
        }
      }
    }
  }
} as const;
