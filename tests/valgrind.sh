#!/usr/bin/env bash
# valgrind memcheck over the loaders' tests and the CLI golden and bad-input
# tests (the CLI cases run the merit binary, which valgrind follows):
#   valgrind.sh BUILD_DIR
# Any invalid read or write, use of uninitialised memory, or definite or
# indirect leak fails the run.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR}
tests=(test_xml_input test_rubric test_proposal test_sheet test_call test_keep_going test_golden test_cli_cases
       test_sheets test_assign test_validate_call test_import test_init test_import_proposals)
failed=0
passed=0
for t in "${tests[@]}"; do
  log=$(mktemp)
  if (cd "$build" && LC_ALL=C valgrind --quiet --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --trace-children=yes --trace-children-skip='*/sh,*/bash,*/cp,*/rm,*/mv,*/mkdir' \
        "tests/$t" >"$log" 2>&1); then
    passed=$((passed + 1))
    echo "valgrind: $t: clean"
  else
    failed=$((failed + 1))
    echo "valgrind: $t: FAILED" >&2
    grep -E "==[0-9]+==|FAILED|ERROR" "$log" | head -40 >&2
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
