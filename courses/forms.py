"""The forms of trainings' parts that carry rules: sessions (trainers free and allowed to
teach), regional quotas (not over the capacity) and the capacity (not below the confirmed
seats). The admin (``courses.admin``) and the staff pages (``rtcm.staff.trainings.edit``)
both use them, so each rule is asked the same way from both; the rules themselves are
``courses.services`` / ``courses.selectors`` / ``courses.hooks``.
"""

import datetime as dt

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from courses.hooks import delete_refusal, trainer_refusal
from courses.models import Session, Training
from courses.selectors import (
    session_time_text,
    sessions_overlap,
    trainer_clash_message,
    trainer_clashes,
)
from courses.services import training_check_capacity, training_quotas_problem
from courses.timezones import venue_zone, zone_label


class VenueClockBoundField(forms.BoundField):
    """A field shown and compared on the clock of the form's venue (``form.venue_zone``):
    Django's datetime fields and widgets convert with the current time zone, so that is
    the venue's while they render, read back and compare the value."""

    def as_widget(self, *args, **kwargs):
        with timezone.override(self.form.venue_zone):
            return super().as_widget(*args, **kwargs)

    def value(self):
        with timezone.override(self.form.venue_zone):
            return super().value()

    def _has_changed(self):
        with timezone.override(self.form.venue_zone):
            return super()._has_changed()


class SessionForm(forms.ModelForm):
    """A session whose trainers are checked as the booking service checks them.

    Each trainer newly booked (or every trainer, when the times change) must be
    allowed to teach (``courses.hooks.trainer_refusal``: the expert network's
    rule) and free at that time (``courses.selectors.trainer_clashes``, the one
    clash rule, which the booking service asks too); the error names the clash
    and shows on the trainers field.
    """

    # In a training's inline the training's own sessions are being edited too:
    # their clashes are judged on the formset's data (``SessionInlineFormSet``),
    # not on the rows as they were.
    own_training_in_formset = False
    # Staff enter and read the times on the venue's clock (``Training.time_zone``), whatever
    # their own: a session at 10:00 in Bishkek is typed "10:00" and stored as 04:00 UTC.
    bound_field_class = VenueClockBoundField

    class Meta:
        model = Session
        fields = ["training", "title", "starts_at", "ends_at", "room", "module", "trainers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_the_zone()

    @property
    def venue_zone(self):
        """The time zone of the session's training: the instance's (an inline sets it), or
        the one chosen in the form's ``training`` field; the center's until one is known."""
        return venue_zone(self._venue_training())

    def _venue_training(self) -> Training | None:
        if Session._meta.get_field("training").is_cached(self.instance) or (
            self.instance.training_id is not None
        ):
            return self.instance.training
        if "training" not in self.fields:
            return None
        chosen = (
            self.data.get(self.add_prefix("training"))
            if self.is_bound
            else self.initial.get("training")
        )
        chosen = getattr(chosen, "pk", chosen)
        if not chosen or not str(chosen).isdigit():
            return None
        if getattr(self, "_chosen_training", (None, None))[0] != chosen:
            self._chosen_training = (chosen, Training.objects.filter(pk=chosen).first())
        return self._chosen_training[1]

    def name_the_zone(self) -> None:
        """Name the venue's zone under the time fields (once the training is known)."""
        training = self._venue_training()
        if training is None:
            return
        at = timezone.now()
        if training.start_date:
            at = timezone.make_aware(
                dt.datetime.combine(training.start_date, dt.time(12)), self.venue_zone
            )
        note = gettext("In the venue's time zone: %(zone)s.") % {
            "zone": zone_label(training.time_zone, at)
        }
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].help_text = note

    def full_clean(self):
        # The typed times are read on the venue's clock; ``changed_data`` is reckoned
        # there too (and kept: it is a cached property).
        with timezone.override(self.venue_zone):
            super().full_clean()
            if self.is_bound:
                self.changed_data  # noqa: B018

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        trainers = cleaned.get("trainers")
        if not trainers or not starts or not ends or ends <= starts:
            return cleaned
        session = self.instance
        _lock_trainers(trainers)
        current = set(session.trainers.values_list("pk", flat=True)) if session.pk else set()
        times_changed = "starts_at" in self.changed_data or "ends_at" in self.changed_data
        checked = [t for t in trainers if t.pk not in current or times_changed]
        refusals = {t.pk: refusal for t in checked if (refusal := trainer_refusal(t))}
        clashes = trainer_clashes(
            expert_ids=[t.pk for t in checked if t.pk not in refusals],
            starts_at=starts,
            ends_at=ends,
            exclude_session_ids=[session.pk],
            # Sessions of this very training: the formset judges them on its data.
            exclude_training_id=session.training_id if self.own_training_in_formset else None,
        )
        problems = [
            refusals.get(t.pk)
            or trainer_clash_message(name=_trainer_name(t), session=clashes[t.pk])
            for t in checked
            if t.pk in refusals or t.pk in clashes
        ]
        if problems:
            self.add_error("trainers", problems)
        return cleaned


def _trainer_name(trainer) -> str:
    return getattr(trainer, "full_name", None) or str(trainer)


def _lock_trainers(trainers) -> None:
    """Lock the trainers' rows until the admin's transaction commits, as the booking
    service does: two people booking one expert at once cannot both pass the check.
    The trainer model is the one ``Session.trainers`` points to."""
    if transaction.get_connection().in_atomic_block:  # the admin saves in one transaction
        trainer_model = Session._meta.get_field("trainers").related_model
        list(
            trainer_model.objects.select_for_update()
            .filter(pk__in=[trainer.pk for trainer in trainers])
            .order_by("pk")
            .values_list("pk", flat=True)
        )


class KeepsRecordsFormSetMixin:
    """A row ticked for removal that holds records (``courses.hooks.delete_refusal``:
    a session with attendance marks, a question with answers) is refused, named, and
    nothing of the form is saved."""

    def clean(self):
        super().clean()
        refusals = [
            reason
            for form in self.initial_forms
            if self._should_delete_form(form) and (reason := delete_refusal(form.instance))
        ]
        if refusals:
            raise forms.ValidationError(refusals)


class KeepsRecordsFormSet(KeepsRecordsFormSetMixin, forms.BaseInlineFormSet):
    pass


class SessionInlineForm(SessionForm):
    own_training_in_formset = True


class SessionInlineFormSet(KeepsRecordsFormSetMixin, forms.BaseInlineFormSet):
    """Nobody teaches two sessions of the training at once (as the formset will save them).

    The same overlap as ``courses.selectors.trainer_clashes``
    (``sessions_overlap``), judged on the forms' data.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Each session is judged against the training as it is being saved (its new
        # dates; a new training has no row yet), not as the database holds it.
        form.instance.training = self.instance
        form.name_the_zone()
        return form

    def clean(self):
        super().clean()
        seen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            starts, ends = data.get("starts_at"), data.get("ends_at")
            trainers = list(data.get("trainers") or [])
            if not (starts and ends and trainers):
                continue
            problems = [
                gettext(
                    "%(name)s also teaches “%(session)s” of this training "
                    "at an overlapping time (%(when)s)."
                )
                % {
                    "name": _trainer_name(trainer),
                    "session": other_title,
                    "when": session_time_text(other_starts, other_ends, self.instance.time_zone),
                }
                for other_title, other_starts, other_ends, other_trainers in seen
                if sessions_overlap(starts, ends, other_starts, other_ends)
                for trainer in trainers
                if trainer in other_trainers
            ]
            if problems:
                form.add_error("trainers", problems)
            # The admin's rows have a title per language (title_en …): the instance reads it.
            seen.append((data.get("title") or form.instance.title or "", starts, ends, trainers))


class QuotaFormSet(forms.BaseInlineFormSet):
    """The quotas as the formset will save them, against the capacity being saved
    (the rule: ``courses.services.training_quotas_problem``)."""

    def clean(self):
        super().clean()
        problem = training_quotas_problem(
            capacity=self.instance.capacity,
            quota_seats=[
                form.cleaned_data.get("seats")
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ],
        )
        if problem:
            raise forms.ValidationError(problem)


class TrainingCapacityFormMixin:
    """The capacity may not go below the confirmed seats (``training_check_capacity``:
    the training's row is locked in the saving transaction while they are counted)."""

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None and "capacity" in self.changed_data:
            # The quotas are judged by their formset, against the new capacity.
            training_check_capacity(training=self.instance, capacity=capacity, quota_seats=())
        return cleaned
