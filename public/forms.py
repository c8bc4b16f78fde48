from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Suggestion


class SuggestionForm(forms.ModelForm):
    """What is wrong, the evidence, an optional contact; plus a honeypot people never see."""

    # Hidden from people by CSS and from assistive technology; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    evidence_url = forms.URLField(
        required=False,
        max_length=600,
        assume_scheme="https",
        label=_("Evidence or source (URL)"),
        help_text=_("A link to the law text, a regulator's page or a publication."),
    )

    class Meta:
        model = Suggestion
        fields = ["message", "evidence_url", "contact"]
        labels = {
            "message": _("What is wrong?"),
            "evidence_url": _("Evidence or source (URL)"),
            "contact": _("Your e-mail or name (optional)"),
        }
        help_texts = {
            "message": _("Name the fact and what it should say."),
            "evidence_url": _("A link to the law text, a regulator's page or a publication."),
            "contact": _("Only used if an analyst needs to ask you something."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": 4000})}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(_("Please describe the problem in at least 10 characters."))
        if len(message) > 4000:
            raise forms.ValidationError(_("Please keep the message under 4000 characters."))
        return message

    def full_clean(self):
        """
        Tie each field to its help and, once it has one, its error: the widget's
        ``aria-describedby`` names the ids the template gives them (``<id>_helptext``,
        Django's own, and ``<id>_error``).
        """
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
