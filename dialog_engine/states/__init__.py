"""One module per dialog state. `state_router.autodiscover()` (called when the app is
ready) imports every module here, so a new state only needs `@register`."""
