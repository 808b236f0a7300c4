"""
The learner's models moved to ``enrolments`` (decision 0008): this removes them from the ``courses`` state
only. Their tables keep their names (``db_table``), so no row is copied or lost; content types follow.
"""

from django.db import migrations

MOVED = ["enrollment", "stepprogress", "vignettechoice", "reflection", "evaluationresponse", "cohort", "enrolmentimport"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="enrolments", model__in=MOVED).delete()
    ContentType.objects.using(db).filter(app_label="courses", model__in=MOVED).update(app_label="enrolments")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="enrolments", model__in=MOVED).update(app_label="courses")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0004_cohorts_enrolment_imports_eiv_passwords"),
        ("enrolments", "0001_initial"),
        ("quizzes", "0003_enrollment_moved_to_enrolments"),
        ("certificates", "0004_enrollment_moved_to_enrolments"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                        migrations.RemoveField(
                            model_name='enrolmentimport',
                            name='cohort',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='cohort',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='accreditation',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='course_version',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='last_step',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='organization',
                        ),
                        migrations.RemoveField(
                            model_name='enrollment',
                            name='user',
                        ),
                        migrations.RemoveField(
                            model_name='reflection',
                            name='enrollment',
                        ),
                        migrations.RemoveField(
                            model_name='stepprogress',
                            name='enrollment',
                        ),
                        migrations.RemoveField(
                            model_name='vignettechoice',
                            name='enrollment',
                        ),
                        migrations.RemoveField(
                            model_name='enrolmentimport',
                            name='organization',
                        ),
                        migrations.RemoveField(
                            model_name='enrolmentimport',
                            name='uploaded_by',
                        ),
                        migrations.RemoveField(
                            model_name='evaluationresponse',
                            name='course_version',
                        ),
                        migrations.RemoveField(
                            model_name='reflection',
                            name='step',
                        ),
                        migrations.RemoveField(
                            model_name='stepprogress',
                            name='step',
                        ),
                        migrations.RemoveField(
                            model_name='vignettechoice',
                            name='step',
                        ),
                        migrations.DeleteModel(
                            name='Cohort',
                        ),
    
                        migrations.DeleteModel(
                            name='Enrollment',
                        ),
                        migrations.DeleteModel(
                            name='EnrolmentImport',
                        ),
                        migrations.DeleteModel(
                            name='EvaluationResponse',
                        ),
                        migrations.DeleteModel(
                            name='Reflection',
                        ),
                        migrations.DeleteModel(
                            name='StepProgress',
                        ),
                        migrations.DeleteModel(
                            name='VignetteChoice',
                        ),
    
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
