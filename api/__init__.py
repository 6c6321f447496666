"""The API for HR systems: a versioned read API of the organisation's sponsored staff (and the
one write, recording an arrival registration), its tokens, and the webhook settings page."""
