import type { WatchedObjectRef } from '../watch/ResourceWatcher';

/**
 * Which pipelines a watched app object feeds: `(target connection, app kind, namespace,
 * name)` → pipeline ids, and `(connection, kind)` → every pipeline with a target there. Built
 * on each full recomputation (pipelines' targets only change with a Pipeline, GitopsCluster
 * or Secret change, which recomputes everything), so an app's watch event recomputes only the
 * pipelines that reference it.
 */
export class AppIndex {
  private readonly apps = new Map<string, Set<string>>();
  private readonly connections = new Map<string, Set<string>>();

  /** Records that pipeline `id` has a target whose app is `name` in `namespace`, watched as `appKey` on `connectionKey`. */
  add(
    id: string,
    connectionKey: string,
    appKey: string,
    namespace: string,
    name: string,
  ) {
    add(this.apps, `${connectionKey}|${appKey}|${namespace}|${name}`, id);
    add(this.connections, `${connectionKey}|${appKey}`, id);
  }

  /**
   * The pipelines an app watch event affects: those referencing the object, or — for a change
   * of the watcher's own state (no object: connected, failed) — all with a target on it.
   */
  affected(
    connectionKey: string,
    appKey: string,
    object?: WatchedObjectRef,
  ): ReadonlySet<string> {
    const found = object
      ? this.apps.get(
          `${connectionKey}|${appKey}|${object.namespace ?? ''}|${
            object.name ?? ''
          }`,
        )
      : this.connections.get(`${connectionKey}|${appKey}`);
    return found ?? new Set();
  }
}

function add(map: Map<string, Set<string>>, key: string, id: string) {
  let ids = map.get(key);
  if (!ids) map.set(key, (ids = new Set()));
  ids.add(id);
}
