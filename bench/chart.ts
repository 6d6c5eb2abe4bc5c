/* eslint-disable no-console */
/**
 * The benchmark's cost curve as a Markdown table, console lines and a PNG.
 * CLI: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   bench/chart.ts <result.json>  (writes <result>.md, <result>.png; prints)
 */
import fs from 'fs';
import path from 'path';
import type { TopLevelSpec } from 'vega-lite';

type Latency = { p50: number; p99: number; rps: number };

/** The result of a cost-curve run, as bench/run.ts writes it. */
export type CurveResult = {
  date: string;
  machine: { cpus: number; memoryGb: number; node: string };
  scale: {
    environments: number;
    targetsPerEnvironment: number;
    targetClusters: number;
  };
  load: { connections: number; seconds: number; tool: string };
  points: Array<{
    pipelines: number;
    watchedObjects: number;
    backendAnsweringMs: number;
    cacheWarmMs: number;
    cacheWarmAfterAnsweringMs: number;
    rssMb: { warm: number; afterLoad: number };
    heapUsedMb: number;
    bytesPerWatchedObject: { rss: number | null; heap: number | null };
    entityView: Latency;
    floor: Latency;
    list: Latency;
    kubernetesPlugin: Latency & { errors: number };
    freshnessMs: { p50: number | null; p99: number | null; missed: number };
    ratioEntityViewToFloor: { p50: number; p99: number };
    ratioKubernetesPluginToPipelines: { p50: number; p99: number };
  }>;
};

type Point = CurveResult['points'][number];
type Fmt = (n: number | null) => string;
type Pair = { p50: number | null; p99: number | null };

const int: Fmt = n => (n === null ? '–' : String(Math.round(n)));
const times: Fmt = n => (n === null ? '–' : `×${n.toFixed(1)}`);
const kb: Fmt = n => (n === null ? '–' : (n / 1024).toFixed(1));
const ms: Fmt = n => (n === null ? '–' : `${Math.round(n)} ms`);
const pct = (p: Pair, f: Fmt) => `p50 ${f(p.p50)}, p99 ${f(p.p99)}`;

/** One line describing the run's machine, scale and load. */
function describe({ machine: m, scale: s, load: l }: CurveResult): string {
  return (
    `${m.cpus} CPUs, ${m.memoryGb} GB, Node ${m.node}; ` +
    `${s.environments} environments × ${s.targetsPerEnvironment} targets over ` +
    `${s.targetClusters} target clusters; ` +
    `${l.tool}, ${l.connections} connections × ${l.seconds} s`
  );
}

/**
 * The cost curve as a Markdown table, one column per point, one row per figure
 * (ms and MB as integers, ratios as ×1.2, KB with one decimal, "–" if none).
 */
export function curveTable(result: CurveResult): string {
  const both = ({ p50, p99 }: Pair) => [p50, p99];
  const kr = (p: Point) => both(p.ratioKubernetesPluginToPipelines);
  const bytes = ({ bytesPerWatchedObject: b }: Point) => [b.rss, b.heap];
  const warm = (p: Point) => [p.cacheWarmMs, p.cacheWarmAfterAnsweringMs];
  const rows: Array<[string, (p: Point) => Array<number | null>, Fmt?]> = [
    ['watched objects', p => [p.watchedObjects]],
    ['entity view p50 / p99 (ms)', p => both(p.entityView)],
    ['floor p50 / p99 (ms)', p => both(p.floor)],
    ['ratio entity view / floor', p => both(p.ratioEntityViewToFloor), times],
    ['list p50 / p99 (ms)', p => both(p.list)],
    ['Kubernetes plugin p50 / p99 (ms)', p => both(p.kubernetesPlugin)],
    ['ratio Kubernetes plugin / pipelines', kr, times],
    ['freshness p50 / p99 (ms)', p => both(p.freshnessMs)],
    ['RSS warm / after load (MB)', ({ rssMb: m }) => [m.warm, m.afterLoad]],
    ['heap used (MB)', p => [p.heapUsedMb]],
    ['bytes per watched object, RSS / heap (KB)', bytes, kb],
    ['backend answering (ms)', p => [p.backendAnsweringMs]],
    ['cache warm / after answering (ms)', warm],
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const cells = (get: (p: Point) => Array<number | null>, f: Fmt = int) =>
    result.points.map(p => get(p).map(f).join(' / '));
  return [
    line(['pipelines', ...cells(p => [p.pipelines])]),
    line(['---', ...result.points.map(() => '---:')]),
    ...rows.map(([label, get, f]) => line([label, ...cells(get, f)])),
  ].join('\n');
}

/**
 * The cost curve as plain console lines, per point: a header
 * `pipelines N (W watched objects)`, then one short line per figure, including
 * exactly `ratio entity view / floor  p50 ×A, p99 ×B` and
 * `ratio kubernetes plugin / pipelines  p50 ×C, p99 ×D` (scripts parse these).
 */
export function curveLines(result: CurveResult): string[] {
  const lat = (name: string, l: Latency) =>
    `${name}  ${pct(l, ms)}, ${int(l.rps)} rps`;
  return result.points.flatMap(p => {
    const { rssMb: m, bytesPerWatchedObject: b, freshnessMs: f } = p;
    const { kubernetesPlugin: k, cacheWarmMs: warm } = p;
    const after = p.cacheWarmAfterAnsweringMs;
    const kr = p.ratioKubernetesPluginToPipelines;
    return [
      `pipelines ${p.pipelines} (${p.watchedObjects} watched objects)`,
      lat('entity view', p.entityView),
      lat('floor', p.floor),
      `ratio entity view / floor  ${pct(p.ratioEntityViewToFloor, times)}`,
      lat('list', p.list),
      `${lat('kubernetes plugin', k)}, ${k.errors} errors`,
      `ratio kubernetes plugin / pipelines  ${pct(kr, times)}`,
      `freshness  ${pct(f, ms)}, ${f.missed} missed`,
      `RSS  warm ${int(m.warm)} MB, after load ${int(m.afterLoad)} MB`,
      `heap used  ${int(p.heapUsedMb)} MB`,
      `per watched object  RSS ${kb(b.rss)} KB, heap ${kb(b.heap)} KB`,
      `backend answering  ${int(p.backendAnsweringMs)} ms`,
      `cache warm  ${int(warm)} ms (${int(after)} ms after answering)`,
    ];
  });
}

type Series = [name: string, value: (p: Point) => number | null, dash?: string];

/** A small line chart with points, x = pipelines, color = series (in order). */
function panel(
  r: CurveResult,
  title: string,
  unit: string,
  series: Series[],
  log = false,
) {
  const values = r.points.flatMap(p =>
    series.map(([n, get, d]) => ({ x: p.pipelines, y: get(p), n, d })),
  );
  const legend = { orient: 'right', labelLimit: 200, symbolType: 'stroke' };
  const nominal = { type: 'nominal', title: null } as const;
  const encode = { symbols: { update: { stroke: { value: '#444' } } } };
  return {
    title,
    width: 420,
    height: 240,
    data: { values: values.filter(v => v.y !== null) },
    mark: { type: 'line', point: true, strokeWidth: 2 } as const,
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'pipelines' } as const,
      y: {
        field: 'y',
        type: 'quantitative',
        title: unit,
        scale: { type: log ? ('log' as const) : ('linear' as const) },
      } as const,
      color: { field: 'n', ...nominal, sort: series.map(s => s[0]), legend },
      ...(series.some(s => s[2]) && {
        strokeDash: { field: 'd', ...nominal, legend: { ...legend, encode } },
      }),
    },
  } as const;
}

/** The vega-lite spec of the cost-curve chart: 2 × 2 line charts. */
function curveSpec(result: CurveResult): TopLevelSpec {
  const latency = (['entity view', 'floor', 'list'] as const).flatMap(name => {
    const key = name === 'entity view' ? 'entityView' : name;
    return ['p50', 'p99'].map(
      (q): Series => [name, p => p[key][q as 'p50' | 'p99'], q],
    );
  });
  const own = 'independent' as const;
  const resolve = { scale: { color: own, strokeDash: own } };
  const row = (...hconcat: ReturnType<typeof panel>[]) => ({
    resolve,
    hconcat,
  });
  const text = `Cost curve — ${result.date}`;
  return {
    title: { text, subtitle: describe(result), anchor: 'start', fontSize: 18 },
    background: 'white',
    padding: 16,
    config: {
      font: 'DejaVu Sans',
      title: { fontSize: 14, subtitleFontSize: 12 },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 12, symbolStrokeWidth: 2 },
    },
    vconcat: [
      row(
        panel(result, 'Latency p50/p99 (ms, log scale)', 'ms', latency, true),
        panel(result, 'Status freshness (ms)', 'ms', [
          ['p50', p => p.freshnessMs.p50],
          ['p99', p => p.freshnessMs.p99],
        ]),
      ),
      row(
        panel(result, 'Backend memory (MB)', 'MB', [
          ['RSS warm', p => p.rssMb.warm],
          ['RSS after load', p => p.rssMb.afterLoad],
          ['heap used', p => p.heapUsedMb],
        ]),
        panel(result, 'Time to a warm cache (s)', 's', [
          ['backend answering', p => p.backendAnsweringMs / 1000],
          ['cache warm', p => p.cacheWarmMs / 1000],
        ]),
      ),
    ],
  };
}

/**
 * Renders the cost curve as one PNG at `pngPath` (1600 px wide): latency, status
 * freshness, backend memory and time to a warm cache against the pipelines.
 */
export async function renderCurveChart(
  result: CurveResult,
  pngPath: string,
): Promise<void> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const { Resvg } = await import('@resvg/resvg-js');
  const { spec } = vegaLite.compile(curveSpec(result));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: 1600 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  fs.writeFileSync(pngPath, png);
}

/** Writes `<base>.md` (heading, run description, table, chart link) and `<base>.png`. */
export async function writeCurveReport(
  result: CurveResult,
  base: string,
): Promise<void> {
  const md = [
    `# Cost curve — ${result.date}`,
    describe(result),
    curveTable(result),
    `![cost curve](${path.basename(base)}.png)\n`,
  ];
  fs.writeFileSync(`${base}.md`, md.join('\n\n'));
  await renderCurveChart(result, `${base}.png`);
}

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: bench/chart.ts <result.json>');
  const result: CurveResult = JSON.parse(fs.readFileSync(file, 'utf8'));
  const base = file.replace(/\.json$/, '');
  await writeCurveReport(result, base);
  for (const line of curveLines(result)) console.log(line);
  console.log(`wrote ${base}.md and ${base}.png`);
}

if (require.main === module) {
  main(process.argv[2]).catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
