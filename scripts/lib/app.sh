# Sourced (after background.sh): the demo (frontend :3000, backend :7007) in the background.
start_app() {
  start_background APP_PID "$1" "${APP_START_TIMEOUT:-300}" \
    'curl -fsS -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness 2>/dev/null && curl -fsS -o /dev/null http://127.0.0.1:3000 2>/dev/null' \
    -- env PIPELINES_METRICS_PORT="${PIPELINES_METRICS_PORT:-9464}" yarn dev
}

stop_app() {
  stop_background "${APP_PID:-}"
  APP_PID=
}
