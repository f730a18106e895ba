/* sp-version-macros.h: symbol visibility and availability
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#if !defined(SHAREDPOTATO_INSIDE) && !defined(SHAREDPOTATO_COMPILATION)
# error "Only <sharedpotato.h> can be included directly."
#endif

#include <glib.h>

#include "sp-version.h"

#ifndef _SP_EXTERN
# define _SP_EXTERN extern
#endif

#if defined(SHAREDPOTATO_COMPILATION) && defined(__GNUC__)
# define _SP_EXPORT __attribute__ ((visibility ("default"))) _SP_EXTERN
#else
# define _SP_EXPORT _SP_EXTERN
#endif

/**
 * SP_DEPRECATED:
 *
 * Marks a symbol as deprecated.
 *
 * Since: 1.0
 */

/**
 * SP_DEPRECATED_FOR:
 * @f: the symbol to use instead
 *
 * Marks a symbol as deprecated in favour of @f.
 *
 * Since: 1.0
 */

/**
 * SP_UNAVAILABLE:
 * @maj: the major version that introduced the symbol
 * @min: the minor version that introduced the symbol
 *
 * Marks a symbol as unavailable before version @maj.@min.
 *
 * Since: 1.0
 */
#ifdef SP_DISABLE_DEPRECATION_WARNINGS
# define SP_DEPRECATED _SP_EXPORT
# define SP_DEPRECATED_FOR(f) _SP_EXPORT
# define SP_UNAVAILABLE(maj, min) _SP_EXPORT
#else
# define SP_DEPRECATED G_DEPRECATED _SP_EXPORT
# define SP_DEPRECATED_FOR(f) G_DEPRECATED_FOR (f) _SP_EXPORT
# define SP_UNAVAILABLE(maj, min) G_UNAVAILABLE (maj, min) _SP_EXPORT
#endif

#define SP_VERSION_1_0 (G_ENCODE_VERSION (1, 0))

#if SP_MINOR_VERSION % 2 == 1
# define SP_VERSION_CUR_STABLE (G_ENCODE_VERSION (SP_MAJOR_VERSION, SP_MINOR_VERSION + 1))
#else
# define SP_VERSION_CUR_STABLE (G_ENCODE_VERSION (SP_MAJOR_VERSION, SP_MINOR_VERSION))
#endif

/**
 * SP_VERSION_MIN_REQUIRED:
 *
 * A macro that should be defined by the user prior to including the
 * `sharedpotato.h` header.
 *
 * The definition should be one of the predefined version macros,
 * such as `SP_VERSION_1_0`. It names the oldest version of sharedpotato
 * the application is written for; deprecations newer than it are not
 * warned about.
 *
 * Since: 1.0
 */
#ifndef SP_VERSION_MIN_REQUIRED
# define SP_VERSION_MIN_REQUIRED (SP_VERSION_CUR_STABLE)
#endif

/**
 * SP_VERSION_MAX_ALLOWED:
 *
 * A macro that should be defined by the user prior to including the
 * `sharedpotato.h` header.
 *
 * The definition should be one of the predefined version macros. Using
 * API newer than it produces a compiler warning.
 *
 * Since: 1.0
 */
#ifndef SP_VERSION_MAX_ALLOWED
# define SP_VERSION_MAX_ALLOWED (SP_VERSION_CUR_STABLE)
#endif

#if SP_VERSION_MAX_ALLOWED < SP_VERSION_MIN_REQUIRED
# error "SP_VERSION_MAX_ALLOWED must be >= SP_VERSION_MIN_REQUIRED"
#endif

/**
 * SP_AVAILABLE_IN_ALL:
 *
 * Marks a symbol as exported and available in every version.
 *
 * Since: 1.0
 */
#define SP_AVAILABLE_IN_ALL _SP_EXPORT

#if SP_VERSION_MAX_ALLOWED < SP_VERSION_1_0
# define SP_AVAILABLE_IN_1_0 SP_UNAVAILABLE (1, 0)
#else
# define SP_AVAILABLE_IN_1_0 _SP_EXPORT
#endif
