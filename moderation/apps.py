from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        # Django's app registry must be ready before these load
        from boards import signals
        from members.signals import member_standing_changed, member_waiting_to_join
        from moderation import demo, notice_kinds, receivers

        notice_kinds.register_all()
        signals.post_held.connect(receivers.open_approval_case, dispatch_uid="moderation.open_approval_case")
        signals.post_held.connect(receivers.tell_admins_in_launch_phase, dispatch_uid="moderation.tell_admins_launch")
        signals.post_edited.connect(receivers.log_moderator_edit, dispatch_uid="moderation.log_moderator_edit")
        signals.topic_moved.connect(receivers.log_topic_move, dispatch_uid="moderation.log_topic_move")
        signals.topic_moved.connect(receivers.cases_follow_the_topic, dispatch_uid="moderation.cases_follow")
        signals.board_topics_moved.connect(receivers.cases_follow_the_board_topics,
                                           dispatch_uid="moderation.cases_follow_board")
        signals.board_topics_moved.connect(receivers.log_board_topics_move, dispatch_uid="moderation.log_board_move")
        signals.demo_seeded.connect(demo.add_demo_cases, dispatch_uid="moderation.demo_cases")
        member_standing_changed.connect(receivers.log_standing_change, dispatch_uid="moderation.log_standing_change")
        member_waiting_to_join.connect(receivers.open_signup_case, dispatch_uid="moderation.open_signup_case")
