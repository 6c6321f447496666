from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The pages that bring the features together: dashboards, the employer's views, reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal.workspace"
