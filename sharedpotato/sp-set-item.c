/* sp-set-item.c: one item of a SpSharedSet, as a list model shows it
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include "sp-set-item-private.h"

/**
 * SpSetItem:
 *
 * An item of a [class@Sharedpotato.SharedSet] of strings, integers or
 * boxed values, as the set's [iface@Gio.ListModel] shows it: a small
 * immutable object whose [property@Sharedpotato.SetItem:value] is the
 * item. (A set of objects shows the objects themselves.)
 *
 * A `GtkListView` bound to a set of strings can show
 * [property@Sharedpotato.SetItem:string] directly.
 *
 * Since: 1.0
 */

struct _SpSetItem
{
  GObject parent_instance;

  GValue value;
  char  *string; /* a non-string value as a string, made with the item */
};

G_DEFINE_FINAL_TYPE (SpSetItem, sp_set_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_VALUE,
  PROP_STRING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sp_set_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SpSetItem *self = SP_SET_ITEM (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_boxed (value, &self->value);
      break;

    case PROP_STRING:
      g_value_set_string (value, sp_set_item_get_string (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sp_set_item_finalize (GObject *object)
{
  SpSetItem *self = SP_SET_ITEM (object);

  g_value_unset (&self->value);
  g_free (self->string);

  G_OBJECT_CLASS (sp_set_item_parent_class)->finalize (object);
}

static void
sp_set_item_class_init (SpSetItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sp_set_item_get_property;
  object_class->finalize = sp_set_item_finalize;

  /**
   * SpSetItem:value: (type GValue)
   *
   * The item.
   *
   * Since: 1.0
   */
  properties[PROP_VALUE] = g_param_spec_boxed ("value", NULL, NULL, G_TYPE_VALUE,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SpSetItem:string:
   *
   * The item as a string: the item itself in a set of strings, its
   * conversion with g_value_transform() otherwise, or %NULL when it has
   * none.
   *
   * Since: 1.0
   */
  properties[PROP_STRING] =
      g_param_spec_string ("string", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sp_set_item_init (SpSetItem *self)
{
}

/* Takes @value. */
SpSetItem *
_sp_set_item_new_take (GValue *value)
{
  SpSetItem *self = g_object_new (SP_TYPE_SET_ITEM, NULL);

  self->value = *value;
  memset (value, 0, sizeof *value);

  /* Made here, once: an item is immutable, and is read from any thread. */
  if (!G_VALUE_HOLDS_STRING (&self->value) &&
      g_value_type_transformable (G_VALUE_TYPE (&self->value), G_TYPE_STRING))
    {
      GValue text = G_VALUE_INIT;

      g_value_init (&text, G_TYPE_STRING);
      if (g_value_transform (&self->value, &text))
        self->string = g_value_dup_string (&text);
      g_value_unset (&text);
    }

  return self;
}

/**
 * sp_set_item_get_value:
 * @self: a #SpSetItem
 * @value: (out caller-allocates): an empty #GValue that receives a copy
 *   of the item
 *
 * Copies the item into @value.
 *
 * Since: 1.0
 */
void
sp_set_item_get_value (SpSetItem *self, GValue *value)
{
  g_return_if_fail (SP_IS_SET_ITEM (self));
  g_return_if_fail (value != NULL && !G_IS_VALUE (value));

  g_value_init (value, G_VALUE_TYPE (&self->value));
  g_value_copy (&self->value, value);
}

/**
 * sp_set_item_get_string:
 * @self: a #SpSetItem
 *
 * Gets [property@Sharedpotato.SetItem:string].
 *
 * Returns: (nullable): the item as a string, owned by @self
 *
 * Since: 1.0
 */
const char *
sp_set_item_get_string (SpSetItem *self)
{
  g_return_val_if_fail (SP_IS_SET_ITEM (self), NULL);

  if (G_VALUE_HOLDS_STRING (&self->value))
    return g_value_get_string (&self->value);

  return self->string;
}
