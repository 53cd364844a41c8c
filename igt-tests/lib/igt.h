/* SPDX-License-Identifier: MIT */
/*
 * igt.h - minimal declaration of the IGT (igt-gpu-tools) 1.27 API that
 * Debian's libigt.so.0 (package intel-gpu-tools 1.27.1) exports.
 *
 * Debian ships the shared library but no development headers, so this file
 * was written for this project.  It declares only the subset of the public
 * IGT API that our tests use.  Every function/variable referenced here is
 * exported by libigt.so.0 1.27.1 with the signature given, and every macro
 * expands the same way the upstream 1.27 macros do, so a test that does
 *
 *	#include "igt.h"
 *
 * builds unchanged against either this header or the real upstream headers.
 * Do not add anything here that upstream igt.h does not also provide.
 *
 * Build:  gcc -I<this dir> test.c -o test -ligt
 * Use a GNU C dialect (gcc's default, or -std=gnu11): the macros rely on
 * sigsetjmp() (POSIX, hidden by strict -std=c11) and GNU '{}' initialisers.
 */
#ifndef IGT_MINIMAL_H
#define IGT_MINIMAL_H

#include <errno.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Process exit codes (as interpreted by igt_runner / piglit).        */
/* ------------------------------------------------------------------ */
#define IGT_EXIT_SUCCESS	0	/* at least one subtest ran, none failed */
#define IGT_EXIT_SKIP		77	/* everything that ran was skipped */
#define IGT_EXIT_INVALID	79	/* --run-subtest named no subtest */
#define IGT_EXIT_FAILURE	98	/* at least one failure */
#define IGT_EXIT_ABORT		112	/* igt_abort_on_f() fired */

#define __noreturn	__attribute__((noreturn))
#define __maybe_unused	__attribute__((unused))

/* Log domain prepended to messages; a test may #define it before inclusion. */
#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

/* Tools-only build switch used by the fixture macro (upstream has it too). */
#ifndef STATIC_ANALYSIS_BUILD
#define STATIC_ANALYSIS_BUILD 0
#endif

/* Helpers to generate per-line unique identifiers inside macros. */
#define __igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

/*
 * Whole-binary description printed by --help-description.  The library has a
 * weak undefined reference to this symbol; defining it is optional.
 */
extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* ------------------------------------------------------------------ */
/* Initialisation, subtests, fixtures                                 */
/* ------------------------------------------------------------------ */

/*
 * Jump targets the library siglongjmp()s to when a subtest/fixture ends
 * early (skip/fail).  Declared as jmp_buf upstream (same type as sigjmp_buf
 * in glibc, 200 bytes on x86-64) and always armed with sigsetjmp(.., 1).
 */
extern jmp_buf igt_subtest_jmpbuf;

/* Extra command-line option callback for igt_main_args(). */
typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);
#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

struct option;

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);

/* Returns true when the named subtest was selected and should run now. */
bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
/* Returns false when fixtures are to be skipped (listing, earlier skip). */
bool __igt_fixture(void);
void __igt_fixture_complete(void);
__noreturn void __igt_fixture_end(void);
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);

const char *igt_test_name(void);
const char *igt_subtest_name(void);
/* True when invoked with --list-subtests (or --describe): nothing runs. */
bool igt_only_list_subtests(void);

void igt_success(void);
bool igt_can_fail(void);
/* Ends the process; computes IGT_EXIT_* from the subtest results. */
__noreturn void igt_exit(void);

/*
 * igt_main / igt_main_args: binary with subtests.  The body after the macro
 * becomes a static function run between option parsing and igt_exit().
 */
#define igt_main_args(short_opts, long_opts, help_str, opt_handler, handler_data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) { \
		igt_subtest_init_parse_opts(&argc, argv, \
					    short_opts, long_opts, help_str, \
					    opt_handler, handler_data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

/* igt_simple_main: binary that is a single test (no subtests/fixtures). */
#define igt_simple_main_args(short_opts, long_opts, help_str, opt_handler, handler_data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) { \
		igt_simple_init_parse_opts(&argc, argv, \
					   short_opts, long_opts, help_str, \
					   opt_handler, handler_data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_simple_main igt_simple_main_args(NULL, NULL, NULL, NULL, NULL)

/*
 * igt_fixture { ... }: setup/teardown code outside subtests.  Runs at most
 * once; a skip/failure inside longjmps back here and the loop exits (and
 * all following subtests are skipped/failed).
 */
#define igt_fixture \
	for (volatile int igt_unique(__tmpint) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (STATIC_ANALYSIS_BUILD || \
	      (__igt_fixture() && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0))); \
	     igt_unique(__tmpint)++, \
	     __igt_fixture_complete())

/* igt_subtest("name") { ... }: body runs only if the subtest is selected. */
#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_f(tmp, ...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), __VA_ARGS__), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())
/* Like igt_subtest() with a printf-formatted name (max 255 chars). */
#define igt_subtest_f(...) \
	__igt_subtest_f(igt_unique(__tmpchar), __VA_ARGS__)

/*
 * igt_subtest_with_dynamic("name") { ... igt_dynamic("case") { ... } ... }:
 * a subtest whose results are those of the dynamic subtests it enters
 * (SKIP when it enters none, FAIL when any fails).  Explicit failures are
 * only allowed inside the dynamic blocks.
 */
extern jmp_buf igt_dynamic_jmpbuf;
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);

#define igt_subtest_with_dynamic(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       __igt_enter_dynamic_container() && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_with_dynamic_f(tmp, ...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), __VA_ARGS__), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     __igt_enter_dynamic_container() && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())
#define igt_subtest_with_dynamic_f(...) \
	__igt_subtest_with_dynamic_f(igt_unique(__tmpchar), __VA_ARGS__)

#define igt_dynamic(name) \
	for (; __igt_run_dynamic_subtest((name)) && \
	       (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_dynamic_f(tmp, ...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), __VA_ARGS__), \
	     __igt_run_dynamic_subtest(tmp) && \
	     (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())
/* Like igt_dynamic() with a printf-formatted name (max 255 chars). */
#define igt_dynamic_f(...) \
	__igt_dynamic_f(igt_unique(__tmpchar), __VA_ARGS__)

/*
 * igt_subtest_group { ... }: scopes fixture skips/failures and
 * igt_describe() to the enclosed block.
 */
#define igt_subtest_group \
	for (int igt_unique(__tmpint) = 0, \
		 igt_unique(__save) = 0, \
		 igt_unique(__desc) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_subtest_group_save(&igt_unique(__save), \
				       &igt_unique(__desc)), true); \
	     igt_unique(__tmpint)++, \
	     __igt_subtest_group_restore(igt_unique(__save), \
					 igt_unique(__desc)))

/* Describe the next subtest/group; shown by --describe. */
__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);
#define igt_describe(dsc) igt_describe_f("%s", dsc)

/* ------------------------------------------------------------------ */
/* Skips, requirements, failures and assertions                       */
/* ------------------------------------------------------------------ */

__noreturn __attribute__((format(printf, 1, 2)))
void igt_skip(const char *f, ...);
__noreturn __attribute__((format(printf, 5, 6)))
void __igt_skip_check(const char *file, const int line,
		      const char *func, const char *check,
		      const char *format, ...);
/* exitcode must not be IGT_EXIT_SUCCESS or IGT_EXIT_SKIP. */
__noreturn void igt_fail(int exitcode);
__noreturn __attribute__((format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file,
		       const int line, const char *func, const char *assertion,
		       const char *format, ...);

#define igt_skip_check(E, ...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, __VA_ARGS__)

#define igt_require(expr) do { \
	if (!(expr)) igt_skip_check(#expr, NULL); \
	else igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_require_f(expr, ...) do { \
	if (!(expr)) igt_skip_check(#expr, __VA_ARGS__); \
	else igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_skip_on(expr) do { \
	if ((expr)) igt_skip_check("!(" #expr ")", NULL); \
	else igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

#define igt_skip_on_f(expr, ...) do { \
	if ((expr)) igt_skip_check("!(" #expr ")", __VA_ARGS__); \
	else igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

#define igt_assert(expr) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				  __func__, #expr, NULL); \
} while (0)

#define igt_assert_f(expr, ...) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				  __func__, #expr, __VA_ARGS__); \
} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

/* Typed comparisons that print both operands on failure. */
#define igt_assert_cmpint(n1, cmp, ncmp, n2) do { \
	int __n1 = (n1), __n2 = (n2); \
	if (__n1 cmp __n2) ; else \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: %d " #ncmp " %d\n", __n1, __n2); \
} while (0)

#define igt_assert_cmpuint(n1, cmp, ncmp, n2) do { \
	uint32_t __n1 = (n1), __n2 = (n2); \
	if (__n1 cmp __n2) ; else \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: %#x " #ncmp " %#x\n", __n1, __n2); \
} while (0)

#define igt_assert_cmpu64(n1, cmp, ncmp, n2) do { \
	uint64_t __n1 = (n1), __n2 = (n2); \
	if (__n1 cmp __n2) ; else \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: %#llx " #ncmp " %#llx\n", \
				  (long long)__n1, (long long)__n2); \
} while (0)

#define igt_assert_eq(n1, n2)		igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2)		igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2)		igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2)		igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2)	igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2)	igt_assert_cmpu64(n1, ==, !=, n2)

/* Note: upstream's expansion carries its own trailing ';'. */
#define igt_assert_fd(fd) \
	igt_assert_f(fd >= 0, "file descriptor " #fd " failed\n");

/* ------------------------------------------------------------------ */
/* Forking                                                            */
/* ------------------------------------------------------------------ */

/* True in the freshly forked child; the parent loops on. */
bool __igt_fork(void);
/*
 * igt_fork(child, n) { ... }: run the block in n child processes, with
 * 'child' = 0..n-1.  Asserts in children are reported by igt_waitchildren().
 * Skipping inside a child is not allowed.
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(0))
/* Reap all igt_fork() children; fails the (sub)test if any child failed. */
void igt_waitchildren(void);
int __igt_waitchildren(void);
void igt_waitchildren_timeout(int seconds, const char *reason);

/* Run @fn when the test program exits, normally or on a signal. */
typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

/* ------------------------------------------------------------------ */
/* Logging                                                            */
/* ------------------------------------------------------------------ */

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

/* Messages below this level are not printed (set by IGT_LOG_LEVEL / --debug). */
extern enum igt_log_level igt_log_level;

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level,
	     const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *format, va_list args);

#define igt_debug(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)

/* Write to /dev/kmsg; start the format with one of the KMSG_* prefixes. */
__attribute__((format(printf, 1, 2)))
void igt_kmsg(const char *format, ...);
#define KMSG_ERR	"<3>[IGT] "
#define KMSG_WARNING	"<4>[IGT] "
#define KMSG_INFO	"<6>[IGT] "
#define KMSG_DEBUG	"<7>[IGT] "

/* ------------------------------------------------------------------ */
/* Time                                                               */
/* ------------------------------------------------------------------ */

/* Nanoseconds since *start; a zeroed *start is initialised to now. */
uint64_t igt_nsec_elapsed(struct timespec *start);

static inline uint32_t igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) >> 30;	/* approximate, as upstream */
}

/* Repeat the following block until 'timeout' seconds have passed (>= 1 run). */
#define igt_until_timeout(timeout) \
	for (struct timespec t__ = {}; igt_seconds_elapsed(&t__) < (timeout); )

/* ------------------------------------------------------------------ */
/* DRM device helpers (upstream drmtest.h / ioctl_wrappers.h)          */
/* ------------------------------------------------------------------ */

#define DRIVER_INTEL	(1 << 0)
#define DRIVER_VC4	(1 << 1)
#define DRIVER_VGEM	(1 << 2)
#define DRIVER_AMDGPU	(1 << 3)
#define DRIVER_V3D	(1 << 4)
#define DRIVER_PANFROST	(1 << 5)
#define DRIVER_MSM	(1 << 6)
/*
 * Any driver except vgem.  Drivers IGT does not know by name (like ours)
 * only match DRIVER_ANY; IGT_FORCE_DRIVER=<name> restricts the match.
 */
#define DRIVER_ANY	~(DRIVER_VGEM)

/*
 * Open /dev/dri/cardN (skips the (sub)test if nothing matches).  Every
 * open honours IGT_FORCE_DRIVER (with DRIVER_ANY: only that driver) and
 * the device filters of --device / IGT_DEVICE.
 */
int drm_open_driver(int chipset);
/* Open /dev/dri/renderDN; falls back to drm_open_driver(). */
int drm_open_driver_render(int chipset);
/* Non-skipping variants: return -1 if nothing matches. */
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
/* NB: drm_close_driver() only appeared in IGT 1.28; use close(). */

/* drmIoctl()-like wrapper (retries on EINTR/EAGAIN); a variable, not a function. */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* A pointer as a __u64 ioctl field, and back (ioctl_wrappers.h). */
static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64)
{
	return (void *)(uintptr_t)u64;
}

#define do_or_die(x) igt_assert((x) == 0)

#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

#ifdef __cplusplus
}
#endif

#endif /* IGT_MINIMAL_H */
