# What the benchmark scripts share (sourced): a scratch directory `dir`
# removed at exit with every process started into `pids`, free ports, and
# waiting for a port to answer.
#
#   source "$(dirname "$0")/lib.sh"
#   scratch atrium-outside
#   some-server --port="$(free_port)" & pids+=($!)

# Makes `dir`, and at exit stops what `pids` holds and removes `dir`.
scratch() {
  dir=$(mktemp -d "/tmp/$1.XXXXXX")
  pids=()
  trap cleanup EXIT
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits up to 10 s for 127.0.0.1:$1 to take a connection; exits otherwise.
wait_port() {
  for _ in $(seq 1 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  exit 1
}
