from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = _("Boards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from boards import notice_kinds  # Django's app registry must be ready before these load
        from boards.services.counters import bump_every_board
        from members.models import Rank

        notice_kinds.register_all()
        # a rank moved on the ladder changes which boards by rank a member sees: the cached lists of boards
        post_save.connect(bump_every_board, sender=Rank, dispatch_uid="boards.rank_saved")
        post_delete.connect(bump_every_board, sender=Rank, dispatch_uid="boards.rank_deleted")
