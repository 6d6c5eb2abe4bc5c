import { structuredPatch } from 'diff';
import fs from 'fs';
import path from 'path';
import type { FileChange } from '@gitops-pipelines/plugin-pipelines-common';
import { applyPromotionMarkers } from './editMarkers';
import { yamlFiles } from './writePromotionBranch';

/**
 * The marker edit of a promotion, dry-run on a working copy: every YAML file whose marked
 * fields would change, as unified-diff hunks (jsdiff's `structuredPatch`, 1 line of context),
 * paths relative to the repository. Nothing is written; symbolic links and files over the
 * size cap are not read (`yamlFiles`).
 */
export function previewMarkerEdit(
  dir: string,
  marker: string,
  version: string,
): { found: number; changed: number; files: FileChange[] } {
  let found = 0;
  let changed = 0;
  const files: FileChange[] = [];
  for (const file of yamlFiles(dir).files) {
    const before = fs.readFileSync(file, 'utf8');
    const result = applyPromotionMarkers(before, marker, version);
    found += result.found;
    changed += result.changed;
    if (!result.changed) continue;
    const rel = path.relative(dir, file).split(path.sep).join('/');
    const patch = structuredPatch(rel, rel, before, result.text, '', '', {
      context: 1,
    });
    files.push({
      path: rel,
      hunks: patch.hunks.map(h => ({
        oldStart: h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newStart,
        newLines: h.newLines,
        lines: h.lines,
      })),
    });
  }
  return {
    found,
    changed,
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
  };
}
