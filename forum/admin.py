class ReadOnlyAdminMixin:
    """For records that are written on the site, where every change is checked and logged: the admin
    may read and search them, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
