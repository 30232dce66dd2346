# Sourced by make-models.sh and lodo/run.sh: their logged, resumable steps.
#
# step NAME COMMAND...: runs COMMAND, its output in $work/log/NAME.log, unless $work/done/NAME says a kept work
# folder has it done already (a NAME matching the glob $step_always, when set, always runs). A failure prints
# the log's end and exits.
step() {
  local name=$1; shift
  # shellcheck disable=SC2053  # $step_always is a glob on purpose
  if [[ ( -z ${step_always:-} || $name != $step_always ) && -e $work/done/$name ]]; then
    echo "  $name: done before"
    return
  fi
  local began=$SECONDS
  if ! "$@" > "$work/log/$name.log" 2>&1; then
    echo "  $name: failed; its log:" >&2; tail -20 "$work/log/$name.log" >&2; exit 1
  fi
  touch "$work/done/$name"
  echo "  $name: $((SECONDS - began)) s"
}
