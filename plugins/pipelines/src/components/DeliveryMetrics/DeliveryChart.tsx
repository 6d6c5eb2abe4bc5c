import type { DeliveryMetrics } from '@gitops-pipelines/plugin-pipelines-common';
import { useTheme } from '@material-ui/core/styles';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

const DAY_MS = 86_400_000;

/** One bar group per UTC day of the window: deployments per environment, and failures. */
export function chartRows(metrics: DeliveryMetrics) {
  const rows: Array<Record<string, string | number>> = [];
  const start = Date.parse(`${metrics.from.slice(0, 10)}T00:00:00Z`);
  for (let t = start; t <= Date.parse(metrics.to); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    const row: Record<string, string | number> = {
      date: date.slice(5),
      failures: 0,
    };
    for (const env of metrics.environments) row[env.environment] = 0;
    for (const d of metrics.daily.filter(x => x.date === date)) {
      row[d.environment] = d.deployments;
      row.failures = Number(row.failures) + d.failures;
    }
    rows.push(row);
  }
  return rows;
}

/** Daily deployments (stacked by environment) and failures over the window, drawn with recharts. */
export function DeliveryChart({ metrics }: { metrics: DeliveryMetrics }) {
  const theme = useTheme();
  const colors = [
    theme.palette.primary.main,
    theme.palette.info.main,
    theme.palette.success.main,
    theme.palette.secondary.main,
  ];
  const total = metrics.daily.reduce((n, d) => n + d.deployments, 0);
  const failures = metrics.daily.reduce((n, d) => n + d.failures, 0);
  return (
    <div
      role="img"
      aria-label={`Deployments per day over ${metrics.window}: ${total} deployments, ${failures} failures`}
      style={{ width: '100%', height: 220 }}
    >
      <ResponsiveContainer>
        <BarChart
          data={chartRows(metrics)}
          margin={{ top: 8, right: 8, left: -16, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          {metrics.environments.map((env, i) => (
            <Bar
              key={env.environment}
              dataKey={env.environment}
              name={`deployed to ${env.environment}`}
              stackId="deployments"
              fill={colors[i % colors.length]}
              isAnimationActive={false}
            />
          ))}
          <Bar
            dataKey="failures"
            name="failed"
            fill={theme.palette.error.main}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
