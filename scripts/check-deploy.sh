#!/usr/bin/env bash
# Checks what the Dockerfiles (infra/docker/*.Dockerfile) ship, without a Docker engine: runs the
# same `pnpm deploy` as their build stage for every app in apps/ into a temporary directory, then
# proves each deployed tree stands on its own:
#   - its entry point loads every module it imports and stops on configuration (a bad PORT), which
#     is the first thing main does; its Nest module(s) load too (main imports the app lazily);
#   - the migration runner the operators call is there and loads;
#   - no development dependency came along (jest, typescript, swc, the test helpers);
#   - the controller's default SLO directory (CONTROLLER_SLO_DIR in its image) exists.
# Each deploy is timed; a deploy over a minute is reported (it slows every image build).
#
#   scripts/check-deploy.sh            # every app with a package.json under apps/
#   scripts/check-deploy.sh api        # only apps/api
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [[ $# -gt 0 ]]; then
  apps=("$@")
else
  apps=()
  for dir in "$root"/apps/*/; do
    [[ -f "$dir/package.json" ]] && apps+=("$(basename "$dir")")
  done
fi

pnpm -C "$root" -s build

failures=0
fail() {
  echo "  FAIL $1" >&2
  failures=$((failures + 1))
}

for app in "${apps[@]}"; do
  name=$(node -p "require('$root/apps/$app/package.json').name")
  target="$out/$app"
  echo "== $name"
  started=$(date +%s%N)
  # As in the Dockerfiles: pnpm 10 deploys from the shared lockfile only with injected workspace
  # packages, so the deployed tree resolves exactly the lockfile's versions.
  if ! pnpm -C "$root" --config.inject-workspace-packages=true deploy --prefer-offline --prod \
    --filter "$name" "$target" >"$out/$app.deploy.log" 2>&1; then
    cat "$out/$app.deploy.log" >&2
    fail "pnpm deploy $name"
    continue
  fi
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  echo "  deployed in $((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100)) s ($(du -sh "$target" | cut -f1))"
  ((elapsed_ms > 60000)) && echo "  WARNING: pnpm deploy took over a minute" >&2

  # Entry point: a clean environment and an invalid PORT must end in the configuration error that
  # names PORT, after every statically imported module has loaded.
  set +e
  stderr=$(cd "$target" && env -i PATH="$PATH" NODE_ENV=production PORT=not-a-port \
    node dist/main.js 2>&1 >/dev/null)
  status=$?
  set -e
  if [[ $status -eq 1 && "$stderr" == *PORT* ]]; then
    echo "  dist/main.js loads and validates its configuration"
  else
    fail "dist/main.js exited $status, expected the PORT configuration error: $stderr"
  fi

  modules=("$target"/dist/*.module.js)
  if [[ ! -e "${modules[0]}" ]]; then
    fail "no dist/*.module.js in $name"
  elif (cd "$target" && node -e '
      require("reflect-metadata");
      for (const file of process.argv.slice(1)) require(file);
    ' "${modules[@]}"); then
    echo "  loads $(cd "$target/dist" && echo *.module.js)"
  else
    fail "a Nest module of $name does not load"
  fi

  migrate="$target/node_modules/@slo-engine/adapters/dist/postgres/migrate.js"
  if [[ -f "$migrate" ]]; then
    # Without DATABASE_URL it prints its usage and exits 2, having loaded TypeORM and the migrations.
    set +e
    usage=$(cd "$target" && env -i PATH="$PATH" node "$migrate" 2>&1)
    status=$?
    set -e
    if [[ $status -eq 2 && "$usage" == *usage:* ]]; then
      echo "  migrate.js loads"
    else
      fail "migrate.js exited $status: $usage"
    fi
  fi

  # Development dependencies must be neither resolvable from the app nor in its virtual store.
  dev_found=$(cd "$target" && node -e '
    const dev = ["jest", "typescript", "@swc/core", "@nestjs/testing", "@slo-engine/testing", "fast-check", "eslint"];
    console.log(dev.filter((name) => { try { require.resolve(name); return true; } catch { return false; } }).join(" "));
  ')
  stored=$(ls "$target/node_modules/.pnpm" | grep -E '^(jest|typescript|@swc\+core|@slo-engine\+testing|fast-check|eslint)@' || true)
  if [[ -z "$dev_found" && -z "$stored" ]]; then
    echo "  no development dependencies"
  else
    fail "development dependencies deployed: $dev_found $stored"
  fi

  if [[ "$app" == controller ]]; then
    slos="$target/node_modules/@slo-engine/slo-schema/examples/slos"
    if compgen -G "$slos/*.yml" >/dev/null; then
      echo "  default SLO directory has $(ls "$slos"/*.yml | wc -l) files"
    else
      fail "no SLO files in $slos (CONTROLLER_SLO_DIR of the controller image)"
    fi
  fi
done

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "every deployed app loads on its own"
