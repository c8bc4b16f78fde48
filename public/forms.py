from django import forms

from orgs.models import Suggestion


class SuggestionForm(forms.ModelForm):
    """What is wrong, the evidence, an optional contact; plus a honeypot people never see."""

    # Hidden from people by CSS and from assistive technology; bots fill it in.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    evidence_url = forms.URLField(
        required=False,
        max_length=600,
        assume_scheme="https",
        label="Evidence or source (URL)",
        help_text="A link to the law text, a regulator's page or a publication.",
    )

    class Meta:
        model = Suggestion
        fields = ["message", "evidence_url", "contact"]
        labels = {
            "message": "What is wrong?",
            "evidence_url": "Evidence or source (URL)",
            "contact": "Your e-mail or name (optional)",
        }
        help_texts = {
            "message": "Name the fact and what it should say.",
            "evidence_url": "A link to the law text, a regulator's page or a publication.",
            "contact": "Only used if an analyst needs to ask you something.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": 4000})}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Please describe the problem in at least 10 characters.")
        if len(message) > 4000:
            raise forms.ValidationError("Please keep the message under 4000 characters.")
        return message

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
