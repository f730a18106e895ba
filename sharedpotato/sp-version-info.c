/* sp-version-info.c
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-version-info.h"

/**
 * sp_get_major_version:
 *
 * Gets the major version of the sharedpotato library loaded at run time,
 * which may differ from [const@Sharedpotato.MAJOR_VERSION], the one the
 * program was compiled against.
 *
 * Returns: the major version
 *
 * Since: 1.0
 */
guint
sp_get_major_version (void)
{
  return SP_MAJOR_VERSION;
}

/**
 * sp_get_minor_version:
 *
 * Gets the minor version of the sharedpotato library loaded at run time.
 *
 * Returns: the minor version
 *
 * Since: 1.0
 */
guint
sp_get_minor_version (void)
{
  return SP_MINOR_VERSION;
}

/**
 * sp_get_micro_version:
 *
 * Gets the micro version of the sharedpotato library loaded at run time.
 *
 * Returns: the micro version
 *
 * Since: 1.0
 */
guint
sp_get_micro_version (void)
{
  return SP_MICRO_VERSION;
}

/**
 * sp_check_version:
 * @required_major: the required major version
 * @required_minor: the required minor version
 * @required_micro: the required micro version
 *
 * Checks that the sharedpotato library loaded at run time is compatible
 * with the given version: same major version, and at least the given
 * minor and micro version.
 *
 * Returns: (nullable): %NULL if the library is compatible, or a string
 *   describing the mismatch, owned by sharedpotato
 *
 * Since: 1.0
 */
const char *
sp_check_version (guint required_major, guint required_minor, guint required_micro)
{
  if (required_major > SP_MAJOR_VERSION)
    return "sharedpotato version too old (major mismatch)";
  if (required_major < SP_MAJOR_VERSION)
    return "sharedpotato version too new (major mismatch)";
  if (required_minor > SP_MINOR_VERSION ||
      (required_minor == SP_MINOR_VERSION && required_micro > SP_MICRO_VERSION))
    return "sharedpotato version too old (minor or micro mismatch)";
  return NULL;
}
