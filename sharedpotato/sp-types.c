/* sp-types.c
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-types.h"

/**
 * sp_error_quark:
 *
 * The error domain of sharedpotato, [error@Sharedpotato.Error].
 *
 * Returns: the quark of the domain
 *
 * Since: 1.0
 */
GQuark
sp_error_quark (void)
{
  /* Not G_DEFINE_QUARK: its cache is a plain static, which two threads
   * failing their first calls at once race on (ThreadSanitizer reports
   * it). An atomic store of the same value is safe to repeat. */
  static GQuark quark;
  GQuark        q = (GQuark) g_atomic_int_get ((int *) &quark);

  if (G_UNLIKELY (q == 0))
    {
      q = g_quark_from_static_string ("sp-error-quark");
      g_atomic_int_set ((int *) &quark, (int) q);
    }

  return q;
}
