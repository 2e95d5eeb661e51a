"""Forms of the awards app, one module per area, named like the views that use them."""
