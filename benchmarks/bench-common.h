/* bench-common.h: what the in-process benchmarks share
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <math.h>

#include <glib.h>

/* One "name value floor ratio" line for scripts/bench. A figure that is
 * not a finite number fails the run: the smoke tests rely on it. */
static inline void
bench_report (const char *name, double value, double floor)
{
  if (!isfinite (value) || value < 0 || !isfinite (floor) || floor < 0)
    g_error ("%s: value %f, floor %f", name, value, floor);
  g_print ("%s %.2f %.2f %.3f\n", name, value, floor, floor > 0 ? value / floor : 0.0);
}

/* The fast paths' floor: ns per uncontended g_mutex_lock + unlock. */
static inline double
bench_time_mutex (guint n)
{
  static GMutex       mutex;
  static volatile int sink;
  gint64              t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      g_mutex_lock (&mutex);
      sink++;
      g_mutex_unlock (&mutex);
    }
  return (g_get_monotonic_time () - t0) * 1000.0 / n;
}
