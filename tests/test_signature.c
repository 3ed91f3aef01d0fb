/*
 * Signed score sheets (merit/sign.h, docs/signatures.md): the key and
 * signature texts, a known answer computed apart with OpenSSL, and the call
 * loader's checks on a copy of proposals/mfg-2026 whose five reviewers get
 * keys from fixed seeds (Ed25519 signatures are deterministic, so every
 * output here is too). The commands keygen and sign, and replay of a
 * signed call's trail, through the merit binary.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "internal.h"
#include "merit/model.h"
#include "merit/sign.h"
#include "run_merit.h"
#include "support.h"

#define EXAMPLE_CALL MERIT_SOURCE_DIR "/proposals/mfg-2026"

/* Reviewer rN's key pair: the seed is 32 bytes of value N. */
static void keys_of(int n, unsigned char pk[32], unsigned char sk[64])
{
    unsigned char seed[32];
    memset(seed, n, sizeof(seed));
    assert_int_equal(merit_sign_keypair(seed, pk, sk), 0);
}

static int setup(void **state)
{
    int rc = t_scratch_setup(state);
    if (rc == 0)
        rc = system("cp -r '" EXAMPLE_CALL "' call");
    return rc;
}

/* Gives reviewers r1..r5 (those with a 1 in which[0..4]) their keys in
 * call/call.xml. */
static void give_keys(const char *which)
{
    char *text = t_read("call/call.xml", NULL);
    assert_non_null(text);
    for (int n = 1; n <= 5; n++) {
        if (which[n - 1] != '1')
            continue;
        unsigned char pk[32], sk[64];
        keys_of(n, pk, sk);
        char pub[MERIT_SIGN_PUBLIC_TEXT];
        merit_sign_public_text(pk, pub);
        char *from = t_sprintf("<reviewer id=\"r%d\">", n);
        char *to = t_sprintf("<reviewer id=\"r%d\" key=\"%s\">", n, pub);
        char *next = t_replace(text, from, to);
        free(text);
        free(from);
        free(to);
        text = next;
    }
    t_write(".", "call/call.xml", text);
    free(text);
}

/* Signs the file at path with reviewer rKEY's key, by the library. */
static void sign_path(const char *path, int key)
{
    size_t size;
    char *bytes = t_read(path, &size);
    assert_non_null(bytes);
    unsigned char digest[32], pk[32], sk[64];
    assert_int_equal(merit_sha256(bytes, size, digest), 0);
    keys_of(key, pk, sk);
    char sig[MERIT_SIGN_TEXT + 1];
    assert_int_equal(merit_sign_digest(sk, digest, sig), 0);
    strcat(sig, "\n");
    char *rel = t_sprintf("%s.sig", path);
    t_write(".", rel, sig);
    free(rel);
    free(bytes);
}

/* Signs call/reviews/rFILE.xml with reviewer rKEY's key. */
static void sign_sheet(int file, int key)
{
    char *path = t_sprintf("call/reviews/r%d.xml", file);
    sign_path(path, key);
    free(path);
}

static void sign_all(void)
{
    for (int n = 1; n <= 5; n++)
        sign_sheet(n, n);
}

static int load(struct t_scratch *s, merit_call **call)
{
    merit_ctx_clear_diags(s->ctx);
    *call = NULL;
    return merit_call_load(s->ctx, "call", call);
}

/* The known answer, computed apart with OpenSSL 3.0 from the seed of 32
 * bytes 0x01 (a PKCS#8 key 302e...0420 + seed):
 *   openssl pkey -pubout            -> iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=
 *   openssl pkeyutl -sign -rawin of "merit signed file v1\n" + sha256("hello\n")
 *                                   -> the signature below. */
static void test_known_answer(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], digest[32], sig[64];
    keys_of(1, pk, sk);
    char pub[MERIT_SIGN_PUBLIC_TEXT], text[MERIT_SIGN_TEXT], secret[MERIT_SIGN_SECRET_TEXT];
    merit_sign_public_text(pk, pub);
    assert_string_equal(pub, "ed25519:iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=");
    assert_int_equal(merit_sha256("hello\n", 6, digest), 0);
    assert_int_equal(merit_sign_digest(sk, digest, text), 0);
    assert_string_equal(text, "8oe8krvqMl9YjQkJPi0cpY8xZYYW19Ua1sd5iHhVPVvqfcbmNZeQ2WTW7fVgIY04"
                              "kykl0K2EvSepmLWisf88Aw==");
    assert_int_equal(merit_sign_parse(text, strlen(text), sig), 0);
    assert_int_equal(merit_sign_verify_digest(pk, digest, sig), 0);
    digest[0] ^= 1;
    assert_int_equal(merit_sign_verify_digest(pk, digest, sig), -1);
    /* the secret key text gives the same pair back */
    merit_sign_secret_text(sk, secret);
    unsigned char pk2[32], sk2[64];
    assert_int_equal(merit_sign_secret_parse(secret, strlen(secret), pk2, sk2), 0);
    assert_memory_equal(pk, pk2, 32);
    assert_memory_equal(sk, sk2, 64);
    /* texts not of their form */
    assert_int_equal(merit_sign_public_parse(pub + 1, strlen(pub) - 1, pk2), -1);
    assert_int_equal(merit_sign_parse("hello", 5, sig), -1);
    assert_int_equal(merit_sign_parse(text, strlen(text) - 1, sig), -1);
}

static void test_all_signed_loads(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11111");
    sign_all();
    merit_call *call;
    assert_int_equal(load(s, &call), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    /* each sheet records its signer; each .sig is an input of its own */
    unsigned char pk[32], sk[64];
    char pub[MERIT_SIGN_PUBLIC_TEXT];
    size_t sigs = 0, signed_ = 0;
    for (size_t i = 0; i < call->file_count; i++) {
        const merit_file *f = &call->files[i];
        size_t n = strlen(f->relpath);
        if (n > 4 && strcmp(f->relpath + n - 4, ".sig") == 0) {
            assert_true(f->hashed);
            assert_int_equal(f->bytes, 89); /* 88 characters and a newline */
            sigs++;
        } else if (strncmp(f->relpath, "reviews/r", 9) == 0) {
            keys_of(f->relpath[9] - '0', pk, sk);
            merit_sign_public_text(pk, pub);
            assert_string_equal(f->signed_by, pub);
            signed_++;
        } else {
            assert_string_equal(f->signed_by, "");
        }
    }
    assert_int_equal(sigs, 5);
    assert_int_equal(signed_, 5);
    merit_call_free(call);
}

/* One byte of r2's sheet changed after signing (a space in its XML
 * declaration's place: line 1 of the file). */
static void test_tampered_sheet_rejected(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11111");
    sign_all();
    t_copy_edited(".", "call/reviews/r2.xml", "call/reviews/r2.xml", "call=\"MFG-2026-01\">",
                  "call=\"MFG-2026-01\" >");
    merit_call *call;
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/r2.xml", 2, 1,
                                   "the sheet of reviewer 'r2' does not match its signature "
                                   "reviews/r2.xml.sig: the file was altered after signing, or "
                                   "signed by another key than r2's"));
}

static void test_missing_signature(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11111");
    sign_all();
    assert_int_equal(remove("call/reviews/r4.xml.sig"), 0);
    merit_call *call;
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/r4.xml", 2, 1,
                                   "the sheet of reviewer 'r4' is not signed: the call lists a "
                                   "key for them (reviews/r4.xml.sig is missing)"));
}

/* r3 signs r5's sheet, and r5's own key is listed: refused. */
static void test_signed_by_another_key(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11111");
    sign_all();
    sign_sheet(5, 3);
    merit_call *call;
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/r5.xml", 2, 1,
                                   "the sheet of reviewer 'r5' does not match its signature "
                                   "reviews/r5.xml.sig: the file was altered after signing, or "
                                   "signed by another key than r5's"));
}

/* Every problem in one run: a malformed .sig (r1), a missing one (r3). */
static void test_malformed_signature(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11111");
    sign_all();
    t_write(".", "call/reviews/r1.xml.sig", "not a signature\n");
    assert_int_equal(remove("call/reviews/r3.xml.sig"), 0);
    merit_call *call;
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx,
                   T_ERROR("call/reviews/r1.xml", 2, 1,
                           "the signature of the sheet of reviewer 'r1' is malformed: "
                           "reviews/r1.xml.sig must hold one line of 88 base64 characters, as "
                           "merit sign writes it"),
                   T_ERROR("call/reviews/r3.xml", 2, 1,
                           "the sheet of reviewer 'r3' is not signed: the call lists a key for "
                           "them (reviews/r3.xml.sig is missing)"));
}

/* Only r1 has a key: the other sheets need no signature, and a .sig beside
 * one of them is not read. */
static void test_reviewer_without_key(void **state)
{
    struct t_scratch *s = *state;
    give_keys("10000");
    sign_sheet(1, 1);
    t_write(".", "call/reviews/r2.xml.sig", "not read\n");
    merit_call *call;
    assert_int_equal(load(s, &call), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    size_t sigs = 0;
    for (size_t i = 0; i < call->file_count; i++)
        sigs += strstr(call->files[i].relpath, ".sig") != NULL;
    assert_int_equal(sigs, 1);
    merit_call_free(call);
}

/* A bundle holding the sheets of r4 and r5, signed by r4: accepted while
 * r5 has no key; once r5 has one too, one signature cannot stand for both. */
static void test_bundle_of_two_signers(void **state)
{
    struct t_scratch *s = *state;
    char *r4 = t_read("call/reviews/r4.xml", NULL), *r5 = t_read("call/reviews/r5.xml", NULL);
    const char *body4 = strchr(r4, '\n') + 1, *body5 = strchr(r5, '\n') + 1;
    char *bundle = t_sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<sheets xmlns=\"urn:merit:1\">\n%s%s</sheets>\n",
                             body4, body5);
    t_write(".", "call/reviews/bundle.xml", bundle);
    assert_int_equal(remove("call/reviews/r4.xml"), 0);
    assert_int_equal(remove("call/reviews/r5.xml"), 0);
    /* r5's <sheet> is on line 3 + the lines of r4.xml after its first */
    unsigned line = 3;
    for (const char *c = body4; *c != '\0'; c++)
        line += *c == '\n';
    give_keys("11110");
    for (int n = 1; n <= 3; n++)
        sign_sheet(n, n);
    sign_path("call/reviews/bundle.xml", 4);
    merit_call *call;
    assert_int_equal(load(s, &call), 0);
    T_EXPECT_NO_DIAGS(s->ctx);
    merit_call_free(call);
    give_keys("00001");
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR("call/reviews/bundle.xml", line, 1,
                                   "the sheets of reviewers 'r4' and 'r5' share "
                                   "reviews/bundle.xml, and both have keys: a file carries one "
                                   "signature; keep the sheets of each signing reviewer in a "
                                   "file of their own"));
    free(bundle);
    free(r4);
    free(r5);
}

/* Memory running out while signatures are checked: the allocations of the
 * load of a signed call (a good signature and a bad one; about 1,300
 * allocations, so the window of the last 3,000 is all of them) are failed
 * in turn. Each run must return no call and either say memory ran out or
 * give what the unhindered run gives. One thread, so that the count is the
 * same each run. */
static void test_out_of_memory(void **state)
{
    struct t_scratch *s = *state;
    give_keys("11000");
    sign_sheet(1, 1);
    sign_sheet(2, 1); /* by r1's key: r2's is refused */
    merit_ctx_set_threads(s->ctx, 1);
    merit_call *call;
    merit__alloc_fail_at(0);
    assert_int_equal(load(s, &call), MERIT_EINVALID);
    uint64_t total = merit__alloc_count();
    size_t base_diags = merit_ctx_diag_count(s->ctx);
    assert_int_equal(base_diags, 1);
    uint64_t first = total > 3000 ? total - 3000 : 1;
    for (uint64_t n = first; n <= total; n++) {
        merit_ctx *ctx = merit_ctx_new();
        assert_non_null(ctx);
        merit_ctx_set_threads(ctx, 1);
        merit_call *c = NULL;
        merit__alloc_fail_at(n);
        int rc = merit_call_load(ctx, "call", &c);
        merit__alloc_fail_at(0);
        assert_null(c);
        if (rc != MERIT_ENOMEM && !merit_ctx_out_of_memory(ctx)) {
            if (merit_ctx_diag_count(ctx) != base_diags)
                print_error("allocation %llu of %llu failed, rc %d\n", (unsigned long long)n,
                            (unsigned long long)total, rc);
            assert_int_equal(rc, MERIT_EINVALID);
            assert_int_equal(merit_ctx_diag_count(ctx), base_diags);
        }
        merit_ctx_free(ctx);
    }
}

/* keygen writes the secret key 0600 even under umask 0, refuses to write
 * over it; sign writes FILE.sig that the loader accepts, and never writes
 * over an input. */
static void test_keygen_and_sign(void **state)
{
    struct t_scratch *s = *state;
    mode_t old = umask(0);
    int rc = t_run_merit("pub.out", "err", "keygen", "-o", "r1", NULL);
    umask(old);
    assert_int_equal(rc, 0);
    struct stat st;
    assert_int_equal(stat("r1.key", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *pub = t_read("r1.pub", NULL);
    char *printed = t_read("pub.out", NULL);
    assert_string_equal(pub, printed);
    assert_int_equal(strlen(pub), 53);
    assert_int_equal(strncmp(pub, "ed25519:", 8), 0);
    char *secret = t_read("r1.key", NULL);
    assert_int_equal(t_run_merit(NULL, "err", "keygen", "-o", "r1", NULL), 2);
    T_EXPECT_FILE("err", "merit: error: keygen: 'r1.key' exists: a key is never written over\n");
    T_EXPECT_FILE("r1.key", secret);

    pub[52] = '\0';
    char *call_xml = t_read("call/call.xml", NULL);
    char *to = t_sprintf("<reviewer id=\"r1\" key=\"%s\">", pub);
    char *edited = t_replace(call_xml, "<reviewer id=\"r1\">", to);
    t_write(".", "call/call.xml", edited);
    assert_int_equal(
        t_run_merit(NULL, "err", "sign", "--key", "r1.key", "call/reviews/r1.xml", NULL), 0);
    T_EXPECT_FILE("err", "");
    merit_call *call;
    assert_int_equal(load(s, &call), 0);
    merit_call_free(call);

    /* x.sig would be written over the input x.sig: nothing is written */
    t_write(".", "x", "one\n");
    t_write(".", "x.sig", "two\n");
    assert_int_equal(t_run_merit(NULL, "err", "sign", "--key", "r1.key", "x", "x.sig", NULL), 2);
    T_EXPECT_FILE("err", "merit: error: sign: 'x.sig' is an input of this run (or given twice): "
                         "a signature is never written over one\n");
    T_EXPECT_FILE("x.sig", "two\n");
    assert_int_equal(stat("x.sig.sig", &st), -1);
    free(pub);
    free(printed);
    free(secret);
    free(call_xml);
    free(to);
    free(edited);
}

/* Makes the input record of reviews/r3.xml say it was signed by data. */
static bool forge_signer(json_t *record, void *data)
{
    const char *path = json_string_value(json_object_get(record, "path"));
    if (path == NULL || strcmp(path, "reviews/r3.xml") != 0)
        return false;
    json_object_set_new(record, "signed_by", json_string(data));
    return true;
}

/* A signed call's trail replays identical, records the signer of each
 * sheet, and a .sig replaced afterwards (by another valid signature of
 * another key) is found. */
static void test_replay_signed(void **state)
{
    (void)state;
    give_keys("11111");
    sign_all();
    assert_int_equal(
        t_run_merit(NULL, "err", "rank", "call", "-o", "out.csv", "--audit", "trail.jsonl", NULL),
        0);
    char *trail = t_read("trail.jsonl", NULL);
    unsigned char pk[32], sk[64];
    char pub[MERIT_SIGN_PUBLIC_TEXT];
    keys_of(3, pk, sk);
    merit_sign_public_text(pk, pub);
    char *want = t_sprintf("\"path\":\"reviews/r3.xml\",");
    char *line = strstr(trail, want);
    assert_non_null(line);
    char *signer = t_sprintf("\"signed_by\":\"%s\"", pub);
    char *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    assert_non_null(strstr(line, signer));
    assert_non_null(strstr(end + 1, "\"path\":\"reviews/r3.xml.sig\""));
    assert_int_equal(t_run_merit(NULL, "err", "replay", "trail.jsonl", "call", NULL), 0);

    /* a trail that says another key signed r3's sheet does not replay */
    char other[MERIT_SIGN_PUBLIC_TEXT];
    keys_of(4, pk, sk);
    merit_sign_public_text(pk, other);
    assert_int_equal(t_rechain_trail("trail.jsonl", "forged.jsonl", forge_signer, other), 1);
    assert_int_equal(t_run_merit(NULL, "err", "replay", "forged.jsonl", "call", NULL), 4);
    char *says = t_read("err", NULL);
    char *want_says = t_sprintf("error: the trail records input 'reviews/r3.xml' as signed by "
                                "%s, where the call as loaded now checks it with %s\n",
                                other, pub);
    assert_non_null(strstr(says, want_says));
    free(says);
    free(want_says);

    sign_sheet(3, 4);
    assert_int_equal(t_run_merit(NULL, "err", "replay", "trail.jsonl", "call", NULL), 4);
    char *err = t_read("err", NULL);
    assert_non_null(strstr(err, "call/reviews/r3.xml.sig: error: changed since the trail was "
                                "written"));
    free(err);
    free(signer);
    free(want);
    free(trail);
}

/* --- signed moderation files (docs/signatures.md) ------------------------------ */

/* The chair's key is the key of seed 6 (no reviewer's). */
static char chair_pub[MERIT_SIGN_PUBLIC_TEXT];

static void give_chair_key(void)
{
    unsigned char pk[32], sk[64];
    keys_of(6, pk, sk);
    merit_sign_public_text(pk, chair_pub);
    char *to = t_sprintf("  <moderation chair-key=\"%s\"/>\n</call>", chair_pub);
    t_copy_edited(".", "call/call.xml", "call/call.xml", "</call>", to);
    free(to);
}

/* call/moderation/panel.xml with one change of P03's approach by r1 (7.5
 * to 3.5) by each of the authors given ("chair", "r1", ...). The root is
 * line 2, its call= at column 33; the changes from line 3. */
static void write_changes(const char *by1, const char *by2)
{
    char *second =
        by2 == NULL ? t_sprintf("%s", "")
                    : t_sprintf("  <change proposal=\"P03\" reviewer=\"r3\" criterion=\"approach\" "
                                "from=\"7\" to=\"6\" by=\"%s\" at=\"2026-11-28T15:00:00Z\" "
                                "kind=\"discussion\"/>\n",
                                by2);
    char *text = t_sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<moderation xmlns=\"urn:merit:1\" call=\"MFG-2026-01\">\n"
                           "  <change proposal=\"P03\" reviewer=\"r1\" criterion=\"approach\" "
                           "from=\"7.5\" to=\"3.5\" by=\"%s\" at=\"2026-11-28T14:00:00Z\" "
                           "kind=\"discussion\"/>\n%s</moderation>\n",
                           by1, second);
    t_write(".", "call/moderation/panel.xml", text);
    free(text);
    free(second);
}

#define PANEL "call/moderation/panel.xml"

/* A file of the chair's changes, when the call gives the chair a key,
 * is signed with it, checked like a sheet's: missing, by another key,
 * malformed, then right (signed_by recorded on the file). */
static void test_moderation_signed_by_chair(void **state)
{
    struct t_scratch *s = *state;
    merit_call *c = NULL;
    give_chair_key();
    write_changes("chair", NULL);
    assert_int_equal(load(s, &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR(PANEL, 2, 33,
                                   "the moderation file moderation/panel.xml is not signed: its "
                                   "changes are by 'chair', for whom the call lists a key "
                                   "(moderation/panel.xml.sig is missing)"));
    sign_path(PANEL, 5);
    assert_int_equal(load(s, &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR(PANEL, 2, 33,
                                   "the moderation file moderation/panel.xml does not match its "
                                   "signature moderation/panel.xml.sig: the file was altered "
                                   "after signing, or signed by another key than the one the "
                                   "call lists for 'chair'"));
    t_write(".", PANEL ".sig", "not a signature\n");
    assert_int_equal(load(s, &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR(PANEL, 2, 33,
                                   "the signature of the moderation file moderation/panel.xml is "
                                   "malformed: moderation/panel.xml.sig must hold one line of 88 "
                                   "base64 characters, as merit sign writes it"));
    sign_path(PANEL, 6);
    assert_int_equal(load(s, &c), 0);
    bool signed_ok = false, sig_listed = false;
    for (size_t i = 0; i < c->file_count; i++) {
        signed_ok |= strcmp(c->files[i].relpath, "moderation/panel.xml") == 0 &&
                     strcmp(c->files[i].signed_by, chair_pub) == 0;
        sig_listed |= strcmp(c->files[i].relpath, "moderation/panel.xml.sig") == 0;
    }
    assert_true(signed_ok);
    assert_true(sig_listed);
    merit_call_free(c);
    /* the trail records the signer and the .sig; replay checks both */
    assert_int_equal(
        t_run_merit(NULL, "err", "rank", "call", "-o", "out.csv", "--audit", "trail.jsonl", NULL),
        0);
    char *trail = t_read("trail.jsonl", NULL);
    char *want = t_sprintf("\"path\":\"moderation/panel.xml\",");
    char *line = strstr(trail, want);
    assert_non_null(line);
    char *end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    char *signer = t_sprintf("\"signed_by\":\"%s\"", chair_pub);
    assert_non_null(strstr(line, signer));
    assert_non_null(strstr(end + 1, "\"path\":\"moderation/panel.xml.sig\""));
    assert_int_equal(t_run_merit(NULL, "err", "replay", "trail.jsonl", "call", NULL), 0);
    sign_path(PANEL, 5); /* another signature: the input changed */
    assert_int_equal(t_run_merit(NULL, "err", "replay", "trail.jsonl", "call", NULL), 4);
    free(signer);
    free(want);
    free(trail);
}

/* A change by a reviewer with a key (by="r1") is signed with r1's key;
 * without a chair key, by="chair" needs no signature. */
static void test_moderation_signed_by_reviewer(void **state)
{
    struct t_scratch *s = *state;
    merit_call *c = NULL;
    give_keys("10000");
    sign_sheet(1, 1);
    write_changes("chair", NULL);
    assert_int_equal(load(s, &c), 0);
    merit_call_free(c);
    write_changes("r1", NULL);
    assert_int_equal(load(s, &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR(PANEL, 2, 33,
                                   "the moderation file moderation/panel.xml is not signed: its "
                                   "changes are by 'r1', for whom the call lists a key "
                                   "(moderation/panel.xml.sig is missing)"));
    sign_path(PANEL, 1);
    assert_int_equal(load(s, &c), 0);
    merit_call_free(c);
}

/* A file carries one signature: one that mixes authors, one of whom has
 * a key, is refused at the first change by another author. Two authors
 * without keys are fine. */
static void test_moderation_mixed_authors(void **state)
{
    struct t_scratch *s = *state;
    merit_call *c = NULL;
    write_changes("chair", "r2");
    assert_int_equal(load(s, &c), 0);
    merit_call_free(c);
    give_chair_key();
    assert_int_equal(load(s, &c), MERIT_EINVALID);
    T_EXPECT_DIAGS(s->ctx, T_ERROR(PANEL, 4, 3,
                                   "this moderation file holds changes by 'chair' and by 'r2', and "
                                   "'chair' has a key: a file carries one signature; keep the "
                                   "changes of each signing author in a file of their own"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answer),
        cmocka_unit_test_setup_teardown(test_all_signed_loads, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_tampered_sheet_rejected, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_missing_signature, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_signed_by_another_key, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_signature, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reviewer_without_key, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_bundle_of_two_signers, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_keygen_and_sign, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_replay_signed, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_moderation_signed_by_chair, setup, t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_moderation_signed_by_reviewer, setup,
                                        t_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_moderation_mixed_authors, setup, t_scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
