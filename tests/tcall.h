/*
 * Building a small call in a scratch folder, ranking it, and reading the
 * result: the helpers the hand-computed ranking tests share (test_rank.c,
 * test_zscore.c). Every call is written as XML files, loaded and ranked
 * through the public API, as a user's call would be.
 */
#ifndef MERIT_TEST_TCALL_H
#define MERIT_TEST_TCALL_H

#include <gmp.h>

#include "merit/merit.h"
#include "merit/model.h"
#include "merit/result.h"

struct tcall {
    char *dir;
    merit_ctx *ctx;
    merit_call *call;
    merit_result *res;
};

void tc_begin(struct tcall *t);
void tc_rubric(struct tcall *t, const char *scale, const char *criteria, const char *rest);
void tc_call(struct tcall *t, const char *budget, int reviewers, const char *conflicts);
void tc_proposal(struct tcall *t, const char *id, const char *federal, const char *cash,
                 const char *in_kind, int smes, int large);
char *tc_review(const char *proposal, int confidence, const char *scores);
void tc_sheet(struct tcall *t, int reviewer, ...);
void tc_rank_with(struct tcall *t, const merit_rank_options *opt);
void tc_rank(struct tcall *t);
void tc_end(struct tcall *t);
const merit_proposal_result *result_of(const struct tcall *t, const char *id);
void assert_exact(const mpq_t q, const char *expected);

#endif
