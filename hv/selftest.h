/* The selftest command's parts (README: The shell, selftest): the report
 * (cmd_selftest.c), the address spaces the runtime services run in
 * (selftest_maps.c) and the services themselves (selftest_calls.c). Each
 * check prints PASS / FAIL / SKIP lines through the report. */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

#include "rt/rt.h"

void selftest_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FAIL name: why" / "SKIP name: why". */
void selftest_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void selftest_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A service selftest chose not to call this run (its "call counts" check
 * expects a call from every other usable service it exercises). */
void selftest_not_called(enum rt_svc s);

/* selftest_maps.c */
void selftest_cpu_state(void);
void selftest_mappings(void);
void selftest_audits(void);

/* selftest_calls.c */
void selftest_time(void);
void selftest_variables(void);
void selftest_misc(void);

#endif
