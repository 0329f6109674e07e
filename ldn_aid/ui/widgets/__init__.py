"""Small reusable widgets that bind one visit-file answer each."""
