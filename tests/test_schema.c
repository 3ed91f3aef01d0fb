/*
 * `merit schema`: each compiled-in schema printed byte for byte as its
 * source file engine/schemas/NAME.xsd; the list without a name; an unknown
 * name is a usage error naming the ones there are.
 */
#include <stdlib.h>
#include <string.h>

#include "run_merit.h"
#include "support.h"

#include "merit/schemas.h"

static void schema_bytes_equal_sources(void **state)
{
    (void)state;
    size_t n = 0;
    for (const char *const *name = merit_schema_names(); *name != NULL; name++, n++) {
        char *src = t_sprintf("%s/engine/schemas/%s.xsd", MERIT_SOURCE_DIR, *name);
        size_t want_size, got_size;
        char *want = t_read(src, &want_size);
        assert_non_null(want);
        assert_int_equal(t_run_merit("out", "err", "schema", *name, (char *)NULL), 0);
        char *got = t_read("out", &got_size);
        assert_non_null(got);
        assert_int_equal(got_size, want_size);
        assert_memory_equal(got, want, want_size);
        T_EXPECT_FILE("err", "");
        free(src);
        free(want);
        free(got);
    }
    /* the five formats of docs/formats.md */
    assert_int_equal(n, 5);
}

static void schema_lists_names(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "schema", (char *)NULL), 0);
    T_EXPECT_FILE("out", "call\nmoderation\nproposal\nrubric\nsheet\n");
    T_EXPECT_FILE("err", "");
}

static void schema_unknown_name(void **state)
{
    (void)state;
    assert_int_equal(t_run_merit("out", "err", "schema", "sheets", (char *)NULL), 2);
    T_EXPECT_FILE("out", "");
    T_EXPECT_FILE("err", "merit: error: schema: no schema named 'sheets' (there are: call, "
                         "moderation, proposal, rubric, sheet)\n");
    assert_int_equal(t_run_merit("out", "err", "schema", "call", "sheet", (char *)NULL), 2);
    T_EXPECT_FILE("err", "merit: error: schema: one schema at a time ('call' and 'sheet')\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(schema_bytes_equal_sources, t_scratch_setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(schema_lists_names, t_scratch_setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(schema_unknown_name, t_scratch_setup, t_scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
