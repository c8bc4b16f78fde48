from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .citation import cite_as


class PageNumberPagination(pagination.PageNumberPagination):
    """
    Page-number paging with a bounded ``page_size``; a size out of bounds is a
    400 naming the parameter, not a silent clamp. The page also carries the
    licence and a citation string.
    """

    page_size_query_param = "page_size"

    @property
    def page_size(self):
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Must be a whole number from 1 to {self.max_page_size}; got {raw!r}."]}
            )
        return size

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "license": settings.DATA_LICENSE_NAME,
                "license_url": settings.DATA_LICENSE_URL,
                "cite_as": cite_as(self.request.build_absolute_uri()),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["license"] = {"type": "string", "example": "CC BY 4.0"}
        result["properties"]["license_url"] = {"type": "string", "format": "uri"}
        result["properties"]["cite_as"] = {"type": "string", "description": "How to cite this list."}
        result["required"] = ["count", "results", "license", "license_url", "cite_as"]
        return result
