import pycountry
from django.core.exceptions import ValidationError


def validate_iso_alpha2(value):
    """Accept only an assigned ISO 3166-1 alpha-2 code, in upper case."""
    if not isinstance(value, str) or len(value) != 2 or value != value.upper():
        raise ValidationError(
            "%(value)r is not an ISO 3166-1 alpha-2 code (two upper-case letters).",
            code="invalid_iso_code",
            params={"value": value},
        )
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(
            "%(value)r is not an assigned ISO 3166-1 alpha-2 code.",
            code="unknown_iso_code",
            params={"value": value},
        )
