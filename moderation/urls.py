from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("mod/", views.queue, name="queue"),
    path("mod/approvals/", views.approvals, name="approvals"),
    path("mod/case/<int:case_id>/", views.case_detail, name="case_detail"),
    path("mod/case/<int:case_id>/act/", views.case_act, name="case_act"),
    path("mod/bulk/", views.bulk_act, name="bulk_act"),
    path("mod/log/", views.moderation_log, name="log"),
    path("mod/spammers/", views.spammers, name="spammers"),
    path("mod/spammers/<int:removal_id>/undo/", views.spammer_undo, name="spammer_undo"),
    path("mod/member/<int:member_id>/delete-spammer/", views.spammer_delete, name="spammer_delete"),
    path("mod/<str:kind>/<int:object_id>/act/", views.act_on, name="act_on"),
    path("p/<int:post_id>/approve/", views.post_approve, name="post_approve"),
    path("t/<int:topic_id>/manage/", views.topic_manage, name="topic_manage"),
    path("report/<str:kind>/<str:object_id>/", views.report, name="report"),
    path("reports/", views.my_reports, name="my_reports"),
]
