"""``portal.core.links.url_pattern`` gives the address ``reverse`` gives, for any key."""

import pytest
from django.urls import reverse

from portal.core.links import url_pattern


@pytest.mark.parametrize("name", ["stays:person", "stays:edit", "portal:sponsorship_end"])
def test_it_gives_what_reverse_gives(name):
    address = url_pattern(name)
    for pk in (1, 7, 98765432, 987654321, 9876543210):
        assert address(pk) == reverse(name, args=[pk])
