"""The base of admin pages for records nobody edits by hand (vendor calls, overdue reviews, LTI launches...)."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Lists and shows rows; adding, changing and deleting them is the code's job alone."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
