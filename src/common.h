/* The first include of every .c file in postie.
 *
 * It brings the build configuration, the standard headers nearly every file
 * needs, the aborting allocators and the gettext macros, so that files do not
 * each repeat them and none forgets _GNU_SOURCE before a system header. */
#ifndef POSTIE_COMMON_H
#define POSTIE_COMMON_H

#include "build-config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#define UNUSED __attribute__((unused))
#else
#define PRINTF_LIKE(fmt, args)
#define UNUSED
#endif

#endif
